// When a codec cannot keep up with a mode on this machine (libx265 or SVT-AV1
// on two cores: encode time per frame over the frame budget), the host says
// so and offers only H.264 for that mode from then on. Moonlight acts on the
// RTSP DESCRIBE reply: without HEVC's `sprop-parameter-sets` or AV1's
// `AV1/90000` line it negotiates H.264 (RtspConnection.c), so DESCRIBE for a
// launch of that mode stops offering the slow codec. ServerCodecModeSupport
// in serverinfo stays as probed: it has no per-mode form.
import type { HostSdpOptions } from '@punktfunk/protocol';
import type { Codec } from '@punktfunk/shared';

export interface StreamMode {
  width: number;
  height: number;
  fps: number;
}

const modeKey = (m: StreamMode) => `${m.width}x${m.height}@${m.fps}`;

/** Codecs taken out of the offer per mode, for this host process's life. */
export class CodecFallbacks {
  private readonly slow = new Map<string, Set<Codec>>();

  demote(codec: Codec, mode: StreamMode): void {
    const key = modeKey(mode);
    const codecs = this.slow.get(key) ?? new Set<Codec>();
    codecs.add(codec);
    this.slow.set(key, codecs);
  }

  isDemoted(codec: Codec, mode: StreamMode): boolean {
    return this.slow.get(modeKey(mode))?.has(codec) ?? false;
  }

  /** What DESCRIBE offers a launch of `mode`: the probed offer without the codecs too slow for it. */
  sdpFor(offer: HostSdpOptions, mode: StreamMode): HostSdpOptions {
    return {
      ...offer,
      hevc: offer.hevc && !this.isDemoted('hevc', mode),
      av1: offer.av1 && !this.isDemoted('av1', mode),
    };
  }
}
