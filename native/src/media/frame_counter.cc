#include "media/frame_counter.h"

#include <algorithm>
#include <cstring>

namespace media {
namespace {

constexpr int kMarkerBits = 8;
constexpr int kCounterBits = 32;
constexpr int kCheckBits = 8;
constexpr int kCells = kMarkerBits + kCounterBits + kCheckBits;
constexpr uint32_t kMarker = 0xB2;  // 10110010: unlikely to appear by chance
constexpr int kMaxCellPx = 16;      // 16 px = one macroblock: crisp after encoding
constexpr int kMinCellPx = 4;

uint32_t checkBitsFor(uint32_t counter) {
  uint32_t x = counter ^ (counter >> 8) ^ (counter >> 16) ^ (counter >> 24);
  return (x ^ 0x5A) & 0xFF;
}

bool cellBit(int cell, uint32_t counter) {
  if (cell < kMarkerBits) return (kMarker >> (kMarkerBits - 1 - cell)) & 1;
  cell -= kMarkerBits;
  if (cell < kCounterBits) return (counter >> (kCounterBits - 1 - cell)) & 1;
  cell -= kCounterBits;
  return (checkBitsFor(counter) >> (kCheckBits - 1 - cell)) & 1;
}

}  // namespace

CounterGeometry counterGeometry(int width, int height) {
  int cell = std::min(kMaxCellPx, (width / kCells) & ~1);
  if (cell < kMinCellPx || height < cell) return {};
  return {cell};
}

void drawFrameCounter(uint8_t* bgra, int strideBytes, int width, int height, uint32_t counter) {
  const int cell = counterGeometry(width, height).cellPx;
  if (cell == 0) return;
  for (int y = 0; y < cell; ++y) {
    uint32_t* row = reinterpret_cast<uint32_t*>(bgra + static_cast<size_t>(y) * strideBytes);
    for (int c = 0; c < kCells; ++c) {
      const uint32_t colour = cellBit(c, counter) ? 0xFFFFFFFFu : 0xFF000000u;
      std::fill(row + c * cell, row + (c + 1) * cell, colour);
    }
  }
}

std::optional<uint32_t> readFrameCounter(const uint8_t* luma, int strideBytes, int width,
                                         int height) {
  const int cell = counterGeometry(width, height).cellPx;
  if (cell == 0) return std::nullopt;
  // Sample the middle half of each cell: edges blur under compression.
  const int inset = cell / 4;
  uint64_t bits = 0;
  for (int c = 0; c < kCells; ++c) {
    uint32_t sum = 0, n = 0;
    for (int y = inset; y < cell - inset; ++y) {
      const uint8_t* row = luma + static_cast<size_t>(y) * strideBytes;
      for (int x = c * cell + inset; x < (c + 1) * cell - inset; ++x, ++n) sum += row[x];
    }
    bits = (bits << 1) | (sum / n > 125 ? 1 : 0);
  }
  const uint32_t check = bits & 0xFF;
  const uint32_t counter = static_cast<uint32_t>(bits >> kCheckBits);
  const uint32_t marker = static_cast<uint32_t>(bits >> (kCheckBits + kCounterBits)) & 0xFF;
  if (marker != kMarker || check != checkBitsFor(counter)) return std::nullopt;
  return counter;
}

}  // namespace media
