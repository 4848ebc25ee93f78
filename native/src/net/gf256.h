#pragma once
// Arithmetic in GF(2^8) with the polynomial x^8+x^4+x^3+x^2+1 (0x11d), the
// field moonlight-common-c's reedsolomon/rs.c uses, and the region kernels
// the Reed-Solomon code spends its time in.
#include <cstddef>
#include <cstdint>

namespace net::gf {

uint8_t mul(uint8_t a, uint8_t b);
// The multiplicative inverse; inverse(0) is 0, as in rs.c's table.
uint8_t inverse(uint8_t a);

// Which implementation of the region kernels to run. bestKernel() picks the
// widest the CPU has; tests force each one to compare them.
enum class Kernel { kScalar, kSsse3, kAvx2 };
Kernel bestKernel();
const char* kernelName(Kernel kernel);

// dst = c * src, byte by byte.
void mulRegion(uint8_t* dst, const uint8_t* src, uint8_t c, size_t bytes, Kernel kernel);
// dst ^= c * src: the multiply-accumulate that encoding and recovery are made of.
void mulAddRegion(uint8_t* dst, const uint8_t* src, uint8_t c, size_t bytes, Kernel kernel);

}  // namespace net::gf
