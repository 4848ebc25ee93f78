#pragma once
// Where frames come from. A desktop capture, the synthetic pattern and (later)
// trace replay all deliver BGRA into a buffer the capture stage owns.
#include <cstdint>

namespace media {

struct GrabResult {
  bool repeated = false;  // nothing changed since the previous grab
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual int width() const = 0;
  virtual int height() const = 0;
  // Writes one frame into `bgra` (height rows of `strideBytes`).
  virtual GrabResult grab(uint64_t frameIndex, uint8_t* bgra, int strideBytes) = 0;
};

}  // namespace media
