#pragma once
// Writing and reading integers in a wire byte order, byte by byte (no
// alignment or host-order assumptions). GameStream mixes both orders: RTP
// and pings are big-endian, NVIDIA's own headers little-endian.
#include <cstdint>

namespace net {

inline void putBe16(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

inline void putBe32(uint8_t* p, uint32_t v) {
  putBe16(p, v >> 16);
  putBe16(p + 2, v);
}

inline void putLe16(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}

inline void putLe32(uint8_t* p, uint32_t v) {
  putLe16(p, v);
  putLe16(p + 2, v >> 16);
}

inline uint32_t getBe32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

}  // namespace net
