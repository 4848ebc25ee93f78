// Which protocol a request or client came through, as a small badge.
import type { PairingKind } from '@punktfunk/shared';

const KIND_LABEL: Record<PairingKind, string> = { gamestream: 'GameStream', native: 'punktfunk/1' };

export function KindBadge(props: { kind: PairingKind }) {
  return <span class={`kind kind-${props.kind}`}>{KIND_LABEL[props.kind]}</span>;
}
