#pragma once
// UTF-8 decoding for the injectors' text(): one code point at a time, bad
// bytes skipped one by one (a forged packet must not stop the rest).
#include <cstddef>
#include <cstdint>
#include <string>

namespace input {

inline constexpr uint32_t kInvalidCodePoint = 0xffffffff;

// Decodes one UTF-8 sequence at s[i]; advances i. kInvalidCodePoint for a bad byte.
inline uint32_t nextCodePoint(const std::string& s, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t first = byte(i);
  int length = first < 0x80           ? 1
               : (first >> 5) == 0x6  ? 2
               : (first >> 4) == 0xe  ? 3
               : (first >> 3) == 0x1e ? 4
                                      : 0;
  if (length == 0 || i + length > s.size()) {
    ++i;
    return kInvalidCodePoint;
  }
  uint32_t cp = length == 1 ? first : first & (0x7f >> length);
  for (int k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) {
      ++i;
      return kInvalidCodePoint;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3f);
  }
  i += static_cast<size_t>(length);
  return cp;
}

}  // namespace input
