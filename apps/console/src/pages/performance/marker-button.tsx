// "Marker": while a capture is armed, the operator drops a labelled mark on
// its event lane ("boss fight starts", "switched to Wi-Fi"), to find the
// moment again in the recording. The host checks the label and refuses
// when nothing is armed; its reason is shown as it is.
import { useHost } from '../../providers/host.js';
import type { Action } from '../../ui/action.js';
import { Button } from '../../ui/controls.js';

export function MarkerButton(props: { action: Action }) {
  const host = useHost();
  const place = async () => {
    const label = window.prompt('Label for the marker (what happens now?)', '');
    if (label === null) return;
    await props.action.run('The marker was not placed', () => host.api.addMarker(label.trim()));
  };
  return (
    <Button onClick={place} testId="place-marker" title="Mark this moment on the capture's event lane">
      ⚑ Marker
    </Button>
  );
}
