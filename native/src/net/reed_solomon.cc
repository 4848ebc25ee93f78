#include "net/reed_solomon.h"

#include <cstring>
#include <string>

#include "net/net_error.h"

namespace net {

ReedSolomon::ReedSolomon(int dataShards, int parityShards, gf::Kernel kernel)
    : dataShards_(dataShards), parityShards_(parityShards), kernel_(kernel) {
  if (dataShards < 1 || parityShards < 0 || dataShards + parityShards > kMaxTotalShards) {
    throw MediaError(
        media::code::kInvalidArgument,
        "Reed-Solomon needs 1.. data shards, 0.. parity shards, at most 255 in all; got " +
            std::to_string(dataShards) + "+" + std::to_string(parityShards));
  }
  parity_.resize(static_cast<size_t>(parityShards) * dataShards);
  for (int j = 0; j < parityShards; ++j) {
    for (int i = 0; i < dataShards; ++i) {
      parity_[static_cast<size_t>(j) * dataShards + i] =
          gf::inverse(static_cast<uint8_t>((parityShards + i) ^ j));
    }
  }
}

void ReedSolomon::encode(const uint8_t* const* data, uint8_t* const* parity,
                         size_t shardBytes) const {
  // Data-major order: each data shard is read while it is hot in L1 and
  // folded into every parity shard.
  for (int i = 0; i < dataShards_; ++i) {
    for (int j = 0; j < parityShards_; ++j) {
      const uint8_t c = parityCoefficient(j, i);
      if (i == 0) {
        gf::mulRegion(parity[j], data[i], c, shardBytes, kernel_);
      } else {
        gf::mulAddRegion(parity[j], data[i], c, shardBytes, kernel_);
      }
    }
  }
}

// Gauss-Jordan on a size x size matrix; inverse_ receives the result.
// False if singular (cannot happen for a Cauchy submatrix; checked anyway).
bool ReedSolomon::invertSquare(std::vector<uint8_t>& m, int size) {
  const size_t n = static_cast<size_t>(size);
  inverse_.assign(n * n, 0);
  for (size_t i = 0; i < n; ++i) inverse_[i * n + i] = 1;
  for (size_t col = 0; col < n; ++col) {
    size_t pivot = col;
    while (pivot < n && m[pivot * n + col] == 0) ++pivot;
    if (pivot == n) return false;
    if (pivot != col) {
      for (size_t k = 0; k < n; ++k) {
        std::swap(m[pivot * n + k], m[col * n + k]);
        std::swap(inverse_[pivot * n + k], inverse_[col * n + k]);
      }
    }
    const uint8_t scale = gf::inverse(m[col * n + col]);
    gf::mulRegion(&m[col * n], &m[col * n], scale, n, gf::Kernel::kScalar);
    gf::mulRegion(&inverse_[col * n], &inverse_[col * n], scale, n, gf::Kernel::kScalar);
    for (size_t row = 0; row < n; ++row) {
      const uint8_t factor = m[row * n + col];
      if (row == col || factor == 0) continue;
      gf::mulAddRegion(&m[row * n], &m[col * n], factor, n, gf::Kernel::kScalar);
      gf::mulAddRegion(&inverse_[row * n], &inverse_[col * n], factor, n, gf::Kernel::kScalar);
    }
  }
  return true;
}

// With M the missing data shards and P as many present parity shards:
//   parity_p ^ sum over present data i of A[p][i] * data_i = sum over m in M of A[p][m] * data_m
// Inverting the |M| x |M| matrix A[P][M] gives the missing shards. This costs
// |M| * dataShards region operations instead of inverting the whole matrix.
bool ReedSolomon::reconstruct(uint8_t* const* shards, const bool* present, size_t shardBytes) {
  missing_.clear();
  usedParity_.clear();
  for (int i = 0; i < dataShards_; ++i) {
    if (!present[i]) missing_.push_back(i);
  }
  if (missing_.empty()) return true;
  for (int j = 0; j < parityShards_ && usedParity_.size() < missing_.size(); ++j) {
    if (present[dataShards_ + j]) usedParity_.push_back(j);
  }
  if (usedParity_.size() < missing_.size()) return false;

  const int k = static_cast<int>(missing_.size());
  square_.resize(static_cast<size_t>(k) * k);
  for (int r = 0; r < k; ++r) {
    for (int c = 0; c < k; ++c) square_[r * k + c] = parityCoefficient(usedParity_[r], missing_[c]);
  }
  if (!invertSquare(square_, k)) return false;

  rightSide_.resize(static_cast<size_t>(k) * shardBytes);
  for (int r = 0; r < k; ++r) {
    uint8_t* rhs = &rightSide_[r * shardBytes];
    std::memcpy(rhs, shards[dataShards_ + usedParity_[r]], shardBytes);
    for (int i = 0; i < dataShards_; ++i) {
      if (present[i])
        gf::mulAddRegion(rhs, shards[i], parityCoefficient(usedParity_[r], i), shardBytes, kernel_);
    }
  }
  for (int c = 0; c < k; ++c) {
    uint8_t* out = shards[missing_[c]];
    gf::mulRegion(out, &rightSide_[0], inverse_[c * k], shardBytes, kernel_);
    for (int r = 1; r < k; ++r) {
      gf::mulAddRegion(out, &rightSide_[r * shardBytes], inverse_[c * k + r], shardBytes, kernel_);
    }
  }
  return true;
}

}  // namespace net
