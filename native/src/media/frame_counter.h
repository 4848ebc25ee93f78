#pragma once
// A machine-readable frame counter drawn into the top-left corner of every
// synthetic frame, so whoever decodes the stream can tell which frame it got.
// Layout, left to right in one row of square cells: 8 marker bits, 32 counter
// bits, 8 check bits. Cells are large and black/white so that they survive
// lossy compression at any sane bitrate.
#include <cstdint>
#include <optional>

namespace media {

struct CounterGeometry {
  int cellPx = 0;  // 0: the frame is too small to carry a counter
};

CounterGeometry counterGeometry(int width, int height);

// Draws `counter` into a BGRA image.
void drawFrameCounter(uint8_t* bgra, int strideBytes, int width, int height, uint32_t counter);

// Reads the counter back from a luma (Y) plane; nullopt when the marker or the
// check bits do not match (not one of our frames, or too damaged to trust).
std::optional<uint32_t> readFrameCounter(const uint8_t* luma, int strideBytes, int width,
                                         int height);

}  // namespace media
