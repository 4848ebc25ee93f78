#include "media/bgra_to_yuv.h"

namespace media {
namespace {

// Where R, G and B sit in a pixel read as a little-endian uint32, as shifts.
// Each byte order is its own instantiation of the loops below: the shifts
// are constants there, so the BGRx code is what it was before other orders.
template <int R, int G, int B>
struct Order {
  static constexpr int r = R, g = G, b = B;
};
using Bgrx = Order<16, 8, 0>;
using Rgbx = Order<0, 8, 16>;
using Xrgb = Order<8, 16, 24>;
using Xbgr = Order<24, 16, 8>;

// Integer BT.601 limited-range coefficients scaled by 256 (the classic ones;
// they match libswscale's output within one code value).
template <typename O>
inline uint8_t lumaOf(uint32_t px) {
  const int b = (px >> O::b) & 0xFF, g = (px >> O::g) & 0xFF, r = (px >> O::r) & 0xFF;
  return static_cast<uint8_t>(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16);
}

// The loops are written so GCC vectorises them; target_clones builds an AVX2
// copy as well and picks it at load time on CPUs that have it.
template <typename O>
__attribute__((target_clones("avx2", "default"))) void lumaRow(const uint32_t* src, uint8_t* y,
                                                               int width) {
  for (int x = 0; x < width; ++x) y[x] = lumaOf<O>(src[x]);
}

// Sums of B, G and R over the 2x2 block at chroma column cx.
struct Rgb4 {
  int b, g, r;
};
template <typename O>
inline Rgb4 sum2x2(const uint32_t* row0, const uint32_t* row1, int cx) {
  const uint32_t p0 = row0[2 * cx], p1 = row0[2 * cx + 1], p2 = row1[2 * cx], p3 = row1[2 * cx + 1];
  auto ch = [](uint32_t p, int shift) { return static_cast<int>((p >> shift) & 0xFF); };
  return {ch(p0, O::b) + ch(p1, O::b) + ch(p2, O::b) + ch(p3, O::b),
          ch(p0, O::g) + ch(p1, O::g) + ch(p2, O::g) + ch(p3, O::g),
          ch(p0, O::r) + ch(p1, O::r) + ch(p2, O::r) + ch(p3, O::r)};
}
// The sums are 4x the average: scale by 1024 instead of 256.
inline uint8_t chromaU(const Rgb4& s) {
  return static_cast<uint8_t>(((-38 * s.r - 74 * s.g + 112 * s.b + 512) >> 10) + 128);
}
inline uint8_t chromaV(const Rgb4& s) {
  return static_cast<uint8_t>(((112 * s.r - 94 * s.g - 18 * s.b + 512) >> 10) + 128);
}

template <typename O>
__attribute__((target_clones("avx2", "default"))) void chromaRowPlanar(const uint32_t* row0,
                                                                       const uint32_t* row1,
                                                                       uint8_t* u, uint8_t* v,
                                                                       int chromaWidth) {
  for (int cx = 0; cx < chromaWidth; ++cx) {
    const Rgb4 s = sum2x2<O>(row0, row1, cx);
    u[cx] = chromaU(s);
    v[cx] = chromaV(s);
  }
}

template <typename O>
__attribute__((target_clones("avx2", "default"))) void chromaRowInterleaved(const uint32_t* row0,
                                                                            const uint32_t* row1,
                                                                            uint8_t* uv,
                                                                            int chromaWidth) {
  for (int cx = 0; cx < chromaWidth; ++cx) {
    const Rgb4 s = sum2x2<O>(row0, row1, cx);
    uv[2 * cx] = chromaU(s);
    uv[2 * cx + 1] = chromaV(s);
  }
}

// One pixel's chroma: the 2x2 formulas with a sum of one (scale 256).
template <typename O>
__attribute__((target_clones("avx2", "default"))) void chromaRow444(const uint32_t* src, uint8_t* u,
                                                                    uint8_t* v, int width) {
  for (int x = 0; x < width; ++x) {
    const uint32_t px = src[x];
    const int b = (px >> O::b) & 0xFF, g = (px >> O::g) & 0xFF, r = (px >> O::r) & 0xFF;
    u[x] = static_cast<uint8_t>(((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128);
    v[x] = static_cast<uint8_t>(((112 * r - 94 * g - 18 * b + 128) >> 8) + 128);
  }
}

inline const uint32_t* pixelRow(const uint8_t* bgra, int stride, int y) {
  return reinterpret_cast<const uint32_t*>(bgra + static_cast<size_t>(y) * stride);
}

template <typename O>
void toI420(const uint8_t* bgra, int bgraStride, int width, int height, const YuvPlanes& out) {
  for (int y = 0; y < height; y += 2) {
    const uint32_t* row0 = pixelRow(bgra, bgraStride, y);
    const uint32_t* row1 = pixelRow(bgra, bgraStride, y + 1);
    lumaRow<O>(row0, out.y + static_cast<size_t>(y) * out.yStride, width);
    lumaRow<O>(row1, out.y + static_cast<size_t>(y + 1) * out.yStride, width);
    chromaRowPlanar<O>(row0, row1, out.u + static_cast<size_t>(y / 2) * out.uStride,
                       out.v + static_cast<size_t>(y / 2) * out.vStride, width / 2);
  }
}

template <typename O>
void toNv12(const uint8_t* bgra, int bgraStride, int width, int height, const YuvPlanes& out) {
  for (int y = 0; y < height; y += 2) {
    const uint32_t* row0 = pixelRow(bgra, bgraStride, y);
    const uint32_t* row1 = pixelRow(bgra, bgraStride, y + 1);
    lumaRow<O>(row0, out.y + static_cast<size_t>(y) * out.yStride, width);
    lumaRow<O>(row1, out.y + static_cast<size_t>(y + 1) * out.yStride, width);
    chromaRowInterleaved<O>(row0, row1, out.u + static_cast<size_t>(y / 2) * out.uStride,
                            width / 2);
  }
}

template <typename O>
void toI444(const uint8_t* bgra, int bgraStride, int width, int height, const YuvPlanes& out) {
  for (int y = 0; y < height; ++y) {
    const uint32_t* row = pixelRow(bgra, bgraStride, y);
    lumaRow<O>(row, out.y + static_cast<size_t>(y) * out.yStride, width);
    chromaRow444<O>(row, out.u + static_cast<size_t>(y) * out.uStride,
                    out.v + static_cast<size_t>(y) * out.vStride, width);
  }
}

}  // namespace

// One switch a frame, outside the loops.
void bgraToI420(const uint8_t* bgra, int bgraStride, int width, int height, const YuvPlanes& out,
                PixelOrder order) {
  switch (order) {
    case PixelOrder::kBgrx:
      return toI420<Bgrx>(bgra, bgraStride, width, height, out);
    case PixelOrder::kRgbx:
      return toI420<Rgbx>(bgra, bgraStride, width, height, out);
    case PixelOrder::kXrgb:
      return toI420<Xrgb>(bgra, bgraStride, width, height, out);
    case PixelOrder::kXbgr:
      return toI420<Xbgr>(bgra, bgraStride, width, height, out);
  }
}

void bgraToNv12(const uint8_t* bgra, int bgraStride, int width, int height, const YuvPlanes& out,
                PixelOrder order) {
  switch (order) {
    case PixelOrder::kBgrx:
      return toNv12<Bgrx>(bgra, bgraStride, width, height, out);
    case PixelOrder::kRgbx:
      return toNv12<Rgbx>(bgra, bgraStride, width, height, out);
    case PixelOrder::kXrgb:
      return toNv12<Xrgb>(bgra, bgraStride, width, height, out);
    case PixelOrder::kXbgr:
      return toNv12<Xbgr>(bgra, bgraStride, width, height, out);
  }
}

void bgraToI444(const uint8_t* bgra, int bgraStride, int width, int height, const YuvPlanes& out,
                PixelOrder order) {
  switch (order) {
    case PixelOrder::kBgrx:
      return toI444<Bgrx>(bgra, bgraStride, width, height, out);
    case PixelOrder::kRgbx:
      return toI444<Rgbx>(bgra, bgraStride, width, height, out);
    case PixelOrder::kXrgb:
      return toI444<Xrgb>(bgra, bgraStride, width, height, out);
    case PixelOrder::kXbgr:
      return toI444<Xbgr>(bgra, bgraStride, width, height, out);
  }
}

const char* pixelOrderName(PixelOrder order) {
  switch (order) {
    case PixelOrder::kRgbx:
      return "RGBx";
    case PixelOrder::kXrgb:
      return "xRGB";
    case PixelOrder::kXbgr:
      return "xBGR";
    default:
      return "BGRx";
  }
}

}  // namespace media
