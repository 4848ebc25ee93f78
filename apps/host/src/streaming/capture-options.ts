// The worker's side of the capture choice: FrameCapture options from the
// session's CaptureSpec, and the line that tells the operator what is
// captured and how it is fitted into the client's mode.
import type { CaptureOptions, FrameCapture } from '@punktfunk/native';
import type { CaptureSpec } from './desktop-source.js';

export function captureOptions(spec: CaptureSpec | undefined): Pick<CaptureOptions, 'source' | 'display'> {
  if (spec?.source === 'x11') return { source: 'x11', display: spec.display };
  return { source: 'synthetic' };
}

export function describeCapture(capture: FrameCapture): string {
  const source = `${capture.sourceWidth}x${capture.sourceHeight}`;
  const output = `${capture.width}x${capture.height}`;
  if (capture.captureMode === 'synthetic') return `capture: synthetic pattern ${output}`;
  const r = capture.contentRect;
  const fit =
    source === output
      ? '1:1'
      : `scaled into ${output} at ${r.x},${r.y} ${r.width}x${r.height}` +
        (r.width < capture.width || r.height < capture.height ? ' (aspect kept, black bars)' : '');
  return `capture: X11 ${source} via ${capture.captureMode === 'shm' ? 'MIT-SHM' : 'GetImage'}, ${fit}`;
}
