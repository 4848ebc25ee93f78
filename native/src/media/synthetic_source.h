#pragma once
// A deterministic moving test pattern, as a desktop capture would deliver it:
// a detailed "desktop" texture (gradients, text-like glyph rows, rings) that
// pans, a bouncing window-sized box, and the frame counter in the top-left
// corner. Frame N is always the same image, so tests can compare exactly.
#include <cstdint>
#include <vector>

#include "media/frame_source.h"

namespace media {

class SyntheticSource : public FrameSource {
 public:
  SyntheticSource(int width, int height);
  int width() const override { return width_; }
  int height() const override { return height_; }
  const char* mode() const override { return "synthetic"; }
  GrabResult grab(uint64_t frameIndex, uint8_t* bgra, int strideBytes) override;

 private:
  void renderTexture();
  void drawBox(uint64_t frameIndex, uint8_t* bgra, int strideBytes) const;

  int width_;
  int height_;
  int textureWidth_;
  int textureHeight_;
  std::vector<uint32_t> texture_;
};

}  // namespace media
