#include "media/synthetic_source.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "media/frame_counter.h"

namespace media {
namespace {

// The texture is larger than the frame by the pan range, so each frame is a
// window into it: a row-by-row memcpy, about as cheap as a real screen grab.
constexpr int kPanRangePx = 512;
constexpr int kPanXPerFrame = 4;
constexpr int kPanYPerFrame = 2;

uint32_t hash32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352d;
  x ^= x >> 15;
  x *= 0x846ca68b;
  x ^= x >> 16;
  return x;
}

uint32_t packBgra(int r, int g, int b) {
  auto c = [](int v) { return static_cast<uint32_t>(std::clamp(v, 0, 255)); };
  return 0xFF000000u | (c(r) << 16) | (c(g) << 8) | c(b);
}

}  // namespace

SyntheticSource::SyntheticSource(int width, int height)
    : width_(width),
      height_(height),
      textureWidth_(width + kPanRangePx),
      textureHeight_(height + kPanRangePx) {
  renderTexture();
}

void SyntheticSource::renderTexture() {
  texture_.resize(static_cast<size_t>(textureWidth_) * textureHeight_);
  for (int y = 0; y < textureHeight_; ++y) {
    for (int x = 0; x < textureWidth_; ++x) {
      // Smooth background, like wallpaper.
      int r = 40 + x * 160 / textureWidth_;
      int g = 50 + y * 150 / textureHeight_;
      int b = 120 + static_cast<int>(60 * std::sin((x + y) / 47.0));
      // Text-like rows of glyphs: fine detail that costs the encoder bits.
      const int line = y / 14, glyph = x / 8;
      const bool textBand = (line % 4 != 3) && ((x / 320) % 3 != 2);
      if (textBand && (hash32(line * 7919 + glyph) & 3) != 0 && (y % 14) < 10 &&
          (hash32(x * 131 + y * 977) & 1)) {
        r /= 4, g /= 4, b /= 4;
      }
      // Rings: curved edges at every angle.
      const double d = std::hypot(x - textureWidth_ * 0.7, y - textureHeight_ * 0.4);
      if (static_cast<int>(d) % 40 < 3) r = 250, g = 220, b = 90;
      texture_[static_cast<size_t>(y) * textureWidth_ + x] = packBgra(r, g, b);
    }
  }
}

void SyntheticSource::drawBox(uint64_t frameIndex, uint8_t* bgra, int strideBytes) const {
  const int boxW = std::max(2, width_ / 6), boxH = std::max(2, height_ / 6);
  const int spanX = std::max(1, width_ - boxW), spanY = std::max(1, height_ - boxH);
  // Bounce: a triangle wave over the free span.
  auto bounce = [](uint64_t t, int span) {
    const uint64_t period = 2ull * span;
    const int p = static_cast<int>(t % period);
    return p < span ? p : static_cast<int>(period) - p;
  };
  const int x0 = bounce(frameIndex * 7, spanX), y0 = bounce(frameIndex * 5, spanY);
  const uint32_t colour = packBgra(static_cast<int>((frameIndex * 3) % 256), 200, 60);
  for (int y = y0; y < y0 + boxH && y < height_; ++y) {
    uint32_t* row = reinterpret_cast<uint32_t*>(bgra + static_cast<size_t>(y) * strideBytes);
    std::fill(row + x0, row + std::min(width_, x0 + boxW), colour);
  }
}

GrabResult SyntheticSource::grab(uint64_t frameIndex, uint8_t* bgra, int strideBytes) {
  const int panX = static_cast<int>((frameIndex * kPanXPerFrame) % kPanRangePx);
  const int panY = static_cast<int>((frameIndex * kPanYPerFrame) % kPanRangePx);
  for (int y = 0; y < height_; ++y) {
    const uint32_t* src = &texture_[static_cast<size_t>(y + panY) * textureWidth_ + panX];
    std::memcpy(bgra + static_cast<size_t>(y) * strideBytes, src, static_cast<size_t>(width_) * 4);
  }
  drawBox(frameIndex, bgra, strideBytes);
  drawFrameCounter(bgra, strideBytes, width_, height_, static_cast<uint32_t>(frameIndex));
  return {};
}

}  // namespace media
