// Where an absolute pointer position from the client lands on the screen.
// The client reports it in its own reference size (its window; Moonlight
// sends width - 1, height - 1); the picture it shows is the stream frame
// (the negotiated mode), which holds the screen letterboxed: scaled with its
// aspect ratio kept, centred (fitContentRect, the capture's own rectangle).
// So: reference → frame → the screen's rectangle in the frame → screen
// pixels, clamped to the screen (a click on a black bar goes to the edge).
// Rounded down: with Moonlight's reference of width - 1, a 1:1 stream then
// maps every client pixel onto itself.
import { fitContentRect } from '@punktfunk/native';

export interface Size {
  width: number;
  height: number;
}

export interface ClientPointer {
  x: number;
  y: number;
  referenceWidth: number;
  referenceHeight: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function clientToScreen(p: ClientPointer, stream: Size, screen: Size): { x: number; y: number } {
  const frameX = (p.x * stream.width) / p.referenceWidth;
  const frameY = (p.y * stream.height) / p.referenceHeight;
  const rect = fitContentRect(screen.width, screen.height, stream.width, stream.height);
  const x = ((frameX - rect.x) * screen.width) / rect.width;
  const y = ((frameY - rect.y) * screen.height) / rect.height;
  return {
    x: clamp(Math.floor(x), 0, screen.width - 1),
    y: clamp(Math.floor(y), 0, screen.height - 1),
  };
}
