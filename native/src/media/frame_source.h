#pragma once
// Where frames come from. A source either writes BGRA into a buffer the
// capture stage owns (the synthetic pattern) or hands out its own memory (the
// X11 source's shared-memory segment), so a screen is never copied just to be
// converted.
#include <cstdint>

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
  virtual int width() const = 0;
  virtual int height() const = 0;
  // False when grab() delivers its own pixels: the caller then allocates no buffer.
  virtual bool needsBuffer() const { return true; }
  // How frames are obtained, for the host's log: "synthetic", "shm", "get-image".
  virtual const char* mode() const = 0;
  // One frame, BGRA (alpha undefined), into `bgra` (height rows of
  // `strideBytes`) or into the source's own memory (see GrabResult).
  virtual GrabResult grab(uint64_t frameIndex, uint8_t* bgra, int strideBytes) = 0;
};

}  // namespace media
