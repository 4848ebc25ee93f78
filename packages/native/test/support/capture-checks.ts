// What the capture tests (X11, PipeWire, wlroots screencopy) check pictures
// with: where the test pattern's four quadrants should be, and the picture
// after a real libx264 encode and decode.
import { type FrameCapture, VideoDecoder, VideoEncoder } from '../../src/index.js';
import { expectColour, rgbAt } from './pixels.js';
import { QUADRANT_RGB } from './x11-display.js';

/** Flat areas survive BT.601 4:2:0 and H.264 at 8 Mb/s within this many code values. */
export const DECODED_TOLERANCE = 24;

/** The centres of the quadrants, for a picture at (x, y) of w x h in the frame. */
export function quadrantCentres(x: number, y: number, w: number, h: number) {
  return [
    { name: 'top left', rgb: QUADRANT_RGB.topLeft, x: x + w / 4, y: y + h / 4 },
    { name: 'top right', rgb: QUADRANT_RGB.topRight, x: x + (3 * w) / 4, y: y + h / 4 },
    { name: 'bottom left', rgb: QUADRANT_RGB.bottomLeft, x: x + w / 4, y: y + (3 * h) / 4 },
    { name: 'bottom right', rgb: QUADRANT_RGB.bottomRight, x: x + (3 * w) / 4, y: y + (3 * h) / 4 },
  ];
}

/** Encodes `frames` captures with libx264, decodes them, and returns the last picture as RGB24. */
export function encodeDecode(
  capture: FrameCapture,
  frames: number,
): { rgb: Buffer; decoded: number; repeated: number } {
  const encoder = new VideoEncoder(
    {
      codec: 'h264',
      backend: 'software',
      width: capture.width,
      height: capture.height,
      fps: 60,
      bitrateKbps: 8000,
    },
    null,
  );
  const decoder = new VideoDecoder({ codec: 'h264' });
  let decoded = 0;
  let repeated = 0;
  try {
    for (let i = 0; i < frames; i++) {
      if (capture.capture().repeated) repeated++;
      encoder.submit(capture, i === 0);
      const out = encoder.collect();
      if (out.data) decoded += decoder.decode(out.data).frames.length;
    }
    encoder.flush();
    for (let out = encoder.collect(); out.data; out = encoder.collect())
      decoded += decoder.decode(out.data).frames.length;
    decoded += decoder.flush().frames.length;
    return { rgb: decoder.lastRgb(), decoded, repeated };
  } finally {
    encoder.close();
    decoder.close();
  }
}

/** The four quadrant colours at their places in a decoded RGB24 frame `frameWidth` wide. */
export function expectQuadrants(
  rgb: Buffer,
  frameWidth: number,
  x: number,
  y: number,
  w: number,
  h: number,
): void {
  for (const q of quadrantCentres(x, y, w, h)) {
    expectColour(rgbAt(rgb, frameWidth, q.x, q.y), q.rgb, DECODED_TOLERANCE, q.name);
  }
}
