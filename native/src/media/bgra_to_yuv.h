#pragma once
// Hand-vectorisable BGRA -> YUV 4:2:0, or 4:4:4 (BT.601, limited range: what libswscale
// produces by default and what clients assume for SDR). It exists because
// libswscale's generic path costs ~2.8 ms a 720p frame on this machine kind;
// this one does the same conversion in a fraction of that (see BENCHMARKS.md).
// Sizes must be even. The other 32-bit byte orders PipeWire sources deliver
// (RGBx, xRGB, xBGR) go through the same loops, instantiated per order, so
// the BGRA path costs what it did.
#include <cstddef>
#include <cstdint>

namespace media {

// Byte order of a 32-bit pixel in memory; the fourth byte (X or A) is ignored.
enum class PixelOrder { kBgrx, kRgbx, kXrgb, kXbgr };

struct YuvPlanes {
  uint8_t* y;
  int yStride;
  uint8_t* u;  // for NV12: the interleaved UV plane; v is null
  int uStride;
  uint8_t* v;
  int vStride;
};

void bgraToI420(const uint8_t* bgra, int bgraStride, int width, int height, const YuvPlanes& out,
                PixelOrder order = PixelOrder::kBgrx);
void bgraToNv12(const uint8_t* bgra, int bgraStride, int width, int height, const YuvPlanes& out,
                PixelOrder order = PixelOrder::kBgrx);
// Full-resolution chroma: every pixel keeps its own U and V (any size).
void bgraToI444(const uint8_t* bgra, int bgraStride, int width, int height, const YuvPlanes& out,
                PixelOrder order = PixelOrder::kBgrx);

// "BGRx", "RGBx", "xRGB", "xBGR": for logs and capture descriptions.
const char* pixelOrderName(PixelOrder order);

}  // namespace media
