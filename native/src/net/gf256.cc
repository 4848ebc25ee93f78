#include "net/gf256.h"

#include <immintrin.h>

#include <array>
#include <cstring>

namespace net::gf {
namespace {

// All tables are computed at compile time: constant data, no start-up code
// and nothing shared that could race between the addon's worker threads.
struct Tables {
  std::array<uint8_t, 512> exp{};  // doubled so exp[log a + log b] needs no modulo
  std::array<int, 256> log{};
  std::array<uint8_t, 256> inverse{};
  // c * x split by nibble: c * x == low[c][x & 15] ^ high[c][x >> 4]. These
  // 16-entry rows are what pshufb looks up, 16 or 32 bytes at a time.
  std::array<std::array<uint8_t, 16>, 256> low{};
  std::array<std::array<uint8_t, 16>, 256> high{};
};

constexpr uint8_t mulByTables(const Tables& t, uint8_t a, uint8_t b) {
  return (a == 0 || b == 0) ? 0 : t.exp[t.log[a] + t.log[b]];
}

constexpr Tables makeTables() {
  Tables t;
  int x = 1;
  for (int i = 0; i < 255; ++i) {
    t.exp[i] = static_cast<uint8_t>(x);
    t.exp[i + 255] = static_cast<uint8_t>(x);
    t.log[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  t.exp[510] = t.exp[0];
  t.exp[511] = t.exp[1];
  t.log[0] = 255;  // never read: mulByTables tests for zero first
  t.inverse[0] = 0;
  for (int a = 1; a < 256; ++a) t.inverse[a] = t.exp[(255 - t.log[a]) % 255];
  for (int c = 0; c < 256; ++c) {
    for (int n = 0; n < 16; ++n) {
      t.low[c][n] = mulByTables(t, static_cast<uint8_t>(c), static_cast<uint8_t>(n));
      t.high[c][n] = mulByTables(t, static_cast<uint8_t>(c), static_cast<uint8_t>(n << 4));
    }
  }
  return t;
}

constexpr Tables kTables = makeTables();

template <bool kAccumulate>
void regionScalar(uint8_t* dst, const uint8_t* src, uint8_t c, size_t bytes) {
  const uint8_t* low = kTables.low[c].data();
  const uint8_t* high = kTables.high[c].data();
  for (size_t i = 0; i < bytes; ++i) {
    const uint8_t product = low[src[i] & 15] ^ high[src[i] >> 4];
    dst[i] = kAccumulate ? dst[i] ^ product : product;
  }
}

template <bool kAccumulate>
__attribute__((target("ssse3"))) void regionSsse3(uint8_t* dst, const uint8_t* src, uint8_t c,
                                                  size_t bytes) {
  const __m128i low = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kTables.low[c].data()));
  const __m128i high = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kTables.high[c].data()));
  const __m128i mask = _mm_set1_epi8(0x0f);
  size_t i = 0;
  for (; i + 16 <= bytes; i += 16) {
    const __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    const __m128i lo = _mm_and_si128(s, mask);
    const __m128i hi = _mm_and_si128(_mm_srli_epi64(s, 4), mask);
    __m128i p = _mm_xor_si128(_mm_shuffle_epi8(low, lo), _mm_shuffle_epi8(high, hi));
    if (kAccumulate) p = _mm_xor_si128(p, _mm_loadu_si128(reinterpret_cast<__m128i*>(dst + i)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), p);
  }
  regionScalar<kAccumulate>(dst + i, src + i, c, bytes - i);
}

template <bool kAccumulate>
__attribute__((target("avx2"))) void regionAvx2(uint8_t* dst, const uint8_t* src, uint8_t c,
                                                size_t bytes) {
  const __m256i low = _mm256_broadcastsi128_si256(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(kTables.low[c].data())));
  const __m256i high = _mm256_broadcastsi128_si256(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(kTables.high[c].data())));
  const __m256i mask = _mm256_set1_epi8(0x0f);
  size_t i = 0;
  for (; i + 32 <= bytes; i += 32) {
    const __m256i s = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
    const __m256i lo = _mm256_and_si256(s, mask);
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi64(s, 4), mask);
    __m256i p = _mm256_xor_si256(_mm256_shuffle_epi8(low, lo), _mm256_shuffle_epi8(high, hi));
    if (kAccumulate) {
      p = _mm256_xor_si256(p, _mm256_loadu_si256(reinterpret_cast<__m256i*>(dst + i)));
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), p);
  }
  regionScalar<kAccumulate>(dst + i, src + i, c, bytes - i);
}

template <bool kAccumulate>
void region(uint8_t* dst, const uint8_t* src, uint8_t c, size_t bytes, Kernel kernel) {
  switch (kernel) {
    case Kernel::kAvx2:
      regionAvx2<kAccumulate>(dst, src, c, bytes);
      return;
    case Kernel::kSsse3:
      regionSsse3<kAccumulate>(dst, src, c, bytes);
      return;
    case Kernel::kScalar:
      regionScalar<kAccumulate>(dst, src, c, bytes);
      return;
  }
}

}  // namespace

uint8_t mul(uint8_t a, uint8_t b) { return mulByTables(kTables, a, b); }

uint8_t inverse(uint8_t a) { return kTables.inverse[a]; }

Kernel bestKernel() {
  if (__builtin_cpu_supports("avx2")) return Kernel::kAvx2;
  if (__builtin_cpu_supports("ssse3")) return Kernel::kSsse3;
  return Kernel::kScalar;
}

const char* kernelName(Kernel kernel) {
  switch (kernel) {
    case Kernel::kAvx2:
      return "avx2";
    case Kernel::kSsse3:
      return "ssse3";
    case Kernel::kScalar:
      return "scalar";
  }
  return "?";
}

void mulRegion(uint8_t* dst, const uint8_t* src, uint8_t c, size_t bytes, Kernel kernel) {
  if (c == 0) {
    std::memset(dst, 0, bytes);
    return;
  }
  region<false>(dst, src, c, bytes, kernel);
}

void mulAddRegion(uint8_t* dst, const uint8_t* src, uint8_t c, size_t bytes, Kernel kernel) {
  if (c == 0) return;
  region<true>(dst, src, c, bytes, kernel);
}

}  // namespace net::gf
