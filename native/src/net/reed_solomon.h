#pragma once
// Systematic Reed-Solomon erasure code over GF(2^8) with the exact parity
// matrix of moonlight-common-c's reedsolomon/rs.c, so GameStream video FEC
// can use this class too: parity row j, data column i holds
// inverse((parityShards + i) XOR j). The x = parityShards + i and y = j are
// distinct, disjoint sets, so this is a Cauchy matrix: every square submatrix
// is invertible and any dataShards of the shards recover the data.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "net/gf256.h"

namespace net {

class ReedSolomon {
 public:
  static constexpr int kMaxTotalShards = 255;

  // Throws INVALID_ARGUMENT unless dataShards >= 1, parityShards >= 0 and
  // their sum <= 255.
  ReedSolomon(int dataShards, int parityShards, gf::Kernel kernel = gf::bestKernel());

  int dataShards() const { return dataShards_; }
  int parityShards() const { return parityShards_; }
  uint8_t parityCoefficient(int parityRow, int dataColumn) const {
    return parity_[static_cast<size_t>(parityRow) * dataShards_ + dataColumn];
  }

  // parity[j] = sum over i of coefficient(j, i) * data[i], each shardBytes long.
  void encode(const uint8_t* const* data, uint8_t* const* parity, size_t shardBytes) const;

  // shards: dataShards + parityShards pointers, each to shardBytes of memory;
  // present: which of them hold received bytes. Writes every missing data
  // shard (parity shards are not regenerated) and returns true, or returns
  // false, touching nothing, when fewer than dataShards shards are present.
  bool reconstruct(uint8_t* const* shards, const bool* present, size_t shardBytes);

 private:
  bool invertSquare(std::vector<uint8_t>& matrix, int size);

  int dataShards_;
  int parityShards_;
  gf::Kernel kernel_;
  std::vector<uint8_t> parity_;  // parityShards x dataShards, row-major
  // Reused across reconstruct() calls so recovery does not allocate per block.
  std::vector<uint8_t> square_;
  std::vector<uint8_t> inverse_;
  std::vector<uint8_t> rightSide_;
  std::vector<int> missing_;
  std::vector<int> usedParity_;
};

}  // namespace net
