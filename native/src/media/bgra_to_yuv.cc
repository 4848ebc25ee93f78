#include "media/bgra_to_yuv.h"

namespace media {
namespace {

// Integer BT.601 limited-range coefficients scaled by 256 (the classic ones;
// they match libswscale's output within one code value).
inline uint8_t lumaOf(uint32_t px) {
  const int b = px & 0xFF, g = (px >> 8) & 0xFF, r = (px >> 16) & 0xFF;
  return static_cast<uint8_t>(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16);
}

// The loops are written so GCC vectorises them; target_clones builds an AVX2
// copy as well and picks it at load time on CPUs that have it.
__attribute__((target_clones("avx2", "default"))) void lumaRow(const uint32_t* src, uint8_t* y,
                                                               int width) {
  for (int x = 0; x < width; ++x) y[x] = lumaOf(src[x]);
}

// Sums of B, G and R over the 2x2 block at chroma column cx.
struct Rgb4 {
  int b, g, r;
};
inline Rgb4 sum2x2(const uint32_t* row0, const uint32_t* row1, int cx) {
  const uint32_t p0 = row0[2 * cx], p1 = row0[2 * cx + 1], p2 = row1[2 * cx], p3 = row1[2 * cx + 1];
  auto ch = [](uint32_t p, int shift) { return static_cast<int>((p >> shift) & 0xFF); };
  return {ch(p0, 0) + ch(p1, 0) + ch(p2, 0) + ch(p3, 0),
          ch(p0, 8) + ch(p1, 8) + ch(p2, 8) + ch(p3, 8),
          ch(p0, 16) + ch(p1, 16) + ch(p2, 16) + ch(p3, 16)};
}
// The sums are 4x the average: scale by 1024 instead of 256.
inline uint8_t chromaU(const Rgb4& s) {
  return static_cast<uint8_t>(((-38 * s.r - 74 * s.g + 112 * s.b + 512) >> 10) + 128);
}
inline uint8_t chromaV(const Rgb4& s) {
  return static_cast<uint8_t>(((112 * s.r - 94 * s.g - 18 * s.b + 512) >> 10) + 128);
}

__attribute__((target_clones("avx2", "default"))) void chromaRowPlanar(const uint32_t* row0,
                                                                       const uint32_t* row1,
                                                                       uint8_t* u, uint8_t* v,
                                                                       int chromaWidth) {
  for (int cx = 0; cx < chromaWidth; ++cx) {
    const Rgb4 s = sum2x2(row0, row1, cx);
    u[cx] = chromaU(s);
    v[cx] = chromaV(s);
  }
}

__attribute__((target_clones("avx2", "default"))) void chromaRowInterleaved(const uint32_t* row0,
                                                                            const uint32_t* row1,
                                                                            uint8_t* uv,
                                                                            int chromaWidth) {
  for (int cx = 0; cx < chromaWidth; ++cx) {
    const Rgb4 s = sum2x2(row0, row1, cx);
    uv[2 * cx] = chromaU(s);
    uv[2 * cx + 1] = chromaV(s);
  }
}

inline const uint32_t* pixelRow(const uint8_t* bgra, int stride, int y) {
  return reinterpret_cast<const uint32_t*>(bgra + static_cast<size_t>(y) * stride);
}

}  // namespace

void bgraToI420(const uint8_t* bgra, int bgraStride, int width, int height, const YuvPlanes& out) {
  for (int y = 0; y < height; y += 2) {
    const uint32_t* row0 = pixelRow(bgra, bgraStride, y);
    const uint32_t* row1 = pixelRow(bgra, bgraStride, y + 1);
    lumaRow(row0, out.y + static_cast<size_t>(y) * out.yStride, width);
    lumaRow(row1, out.y + static_cast<size_t>(y + 1) * out.yStride, width);
    chromaRowPlanar(row0, row1, out.u + static_cast<size_t>(y / 2) * out.uStride,
                    out.v + static_cast<size_t>(y / 2) * out.vStride, width / 2);
  }
}

void bgraToNv12(const uint8_t* bgra, int bgraStride, int width, int height, const YuvPlanes& out) {
  for (int y = 0; y < height; y += 2) {
    const uint32_t* row0 = pixelRow(bgra, bgraStride, y);
    const uint32_t* row1 = pixelRow(bgra, bgraStride, y + 1);
    lumaRow(row0, out.y + static_cast<size_t>(y) * out.yStride, width);
    lumaRow(row1, out.y + static_cast<size_t>(y + 1) * out.yStride, width);
    chromaRowInterleaved(row0, row1, out.u + static_cast<size_t>(y / 2) * out.uStride, width / 2);
  }
}

}  // namespace media
