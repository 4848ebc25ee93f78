#include "net/pf1_packet.h"

#include <algorithm>

#include "net/byte_order.h"

namespace net::pf1 {
void writeHeader(const Header& h, uint8_t* out) {
  out[0] = kVersion;
  out[1] = h.flags;
  out[2] = out[3] = 0;
  putBe32(out + 4, h.sequence);
  putBe32(out + 8, h.frameIndex);
  putBe32(out + 12, h.frameBytes);
  out[16] = h.blockIndex;
  out[17] = h.blockCount;
  out[18] = h.dataShards;
  out[19] = h.parityShards;
  out[20] = h.shardIndex;
  out[21] = out[22] = out[23] = 0;
  const uint64_t us = static_cast<uint64_t>(h.captureStartUs);
  putBe32(out + 24, static_cast<uint32_t>(us >> 32));
  putBe32(out + 28, static_cast<uint32_t>(us));
}

uint32_t readSequence(const uint8_t* packet) { return getBe32(packet + 4); }

bool parseHeader(const uint8_t* in, Header* h) {
  if (in[0] != kVersion || in[2] != 0 || in[3] != 0 || in[21] != 0 || in[22] != 0 || in[23] != 0) {
    return false;
  }
  h->flags = in[1];
  h->sequence = getBe32(in + 4);
  h->frameIndex = getBe32(in + 8);
  h->frameBytes = getBe32(in + 12);
  h->blockIndex = in[16];
  h->blockCount = in[17];
  h->dataShards = in[18];
  h->parityShards = in[19];
  h->shardIndex = in[20];
  h->captureStartUs =
      static_cast<int64_t>((uint64_t{getBe32(in + 24)} << 32) | uint64_t{getBe32(in + 28)});
  const int totalShards = h->dataShards + h->parityShards;
  const bool isParity = (h->flags & flag::kParity) != 0;
  const bool isLastBlock = (h->flags & flag::kLastBlock) != 0;
  return (h->flags & ~(flag::kKeyframe | flag::kParity | flag::kLastBlock)) == 0 &&
         h->frameBytes > 0 && h->blockCount > 0 && h->blockIndex < h->blockCount &&
         h->dataShards > 0 && totalShards <= kMaxShardsPerBlock && h->shardIndex < totalShards &&
         isParity == (h->shardIndex >= h->dataShards) &&
         isLastBlock == (h->blockIndex + 1 == h->blockCount);
}

std::array<uint8_t, 12> nonceFor(const Salt& salt, uint32_t sequence) {
  std::array<uint8_t, 12> nonce{salt[0], salt[1], salt[2], salt[3], 0, 0, 0, 0};
  putBe32(nonce.data() + 8, sequence);
  return nonce;
}

int BlockLayout::dataShards(int blockIndex) const {
  return totalDataShards / blockCount + (blockIndex < totalDataShards % blockCount ? 1 : 0);
}

int BlockLayout::firstDataShard(int blockIndex) const {
  const int base = totalDataShards / blockCount;
  return blockIndex * base + std::min(blockIndex, totalDataShards % blockCount);
}

BlockLayout layoutFor(size_t frameBytes, int shardBytes, int maxDataShardsPerBlock) {
  BlockLayout layout;
  const size_t shards = (frameBytes + shardBytes - 1) / shardBytes;
  const size_t blocks = (shards + maxDataShardsPerBlock - 1) / maxDataShardsPerBlock;
  // Callers check the limits; saturate rather than wrap if they did not.
  layout.totalDataShards = static_cast<int>(std::min<size_t>(shards, 1u << 30));
  layout.blockCount = static_cast<int>(std::min<size_t>(blocks, 1u << 30));
  return layout;
}

int parityShardsFor(int dataShards, int fecPercent) {
  const int wanted = (dataShards * fecPercent + 99) / 100;
  return std::min(wanted, kMaxShardsPerBlock - dataShards);
}

}  // namespace net::pf1
