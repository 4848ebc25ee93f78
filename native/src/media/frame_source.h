#pragma once
// Where frames come from. A source either writes BGRA into a buffer the
// capture stage owns (the synthetic pattern) or hands out its own memory (the
// X11 source's shared-memory segment), so a screen is never copied just to be
// converted.
#include <cstdint>

#include "media/bgra_to_yuv.h"

namespace media {

struct GrabResult {
  bool repeated = false;  // nothing changed since the previous grab; nothing was grabbed
  // The frame in the source's own memory, valid until the next grab; null
  // means "written into the buffer grab() was given".
  const uint8_t* pixels = nullptr;
  int strideBytes = 0;
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // The size and byte order of the last grabbed frame (before the first
  // grab: what the source expects). A PipeWire stream may change them
  // mid-stream; the capture stage then rebuilds its converter.
  virtual int width() const = 0;
  virtual int height() const = 0;
  virtual PixelOrder pixelOrder() const { return PixelOrder::kBgrx; }
  // False when grab() delivers its own pixels: the caller then allocates no buffer.
  virtual bool needsBuffer() const { return true; }
  // How frames are obtained, for the host's log: "synthetic", "shm",
  // "get-image", "pipewire node 42 1280x720 BGRx (MemFd)".
  virtual const char* mode() const = 0;
  // One frame, BGRA (alpha undefined), into `bgra` (height rows of
  // `strideBytes`) or into the source's own memory (see GrabResult).
  virtual GrabResult grab(uint64_t frameIndex, uint8_t* bgra, int strideBytes) = 0;
  // The converter is done reading the last grab's pixels in place (called
  // after every grab, repeated or not). A source whose memory can be taken
  // away under the reader (a PipeWire renegotiation) waits for this.
  virtual void releaseFrame() {}
};

}  // namespace media
