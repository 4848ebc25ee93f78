#pragma once
// The punktfunk/1 media datagram: a 32-byte header (authenticated, not
// encrypted), the AES-GCM ciphertext of one shard, and the 16-byte tag.
// docs/protocol-punktfunk1.md, "Media (UDP)", is the specification.
#include <array>
#include <cstddef>
#include <cstdint>

namespace net::pf1 {

inline constexpr uint8_t kVersion = 1;
inline constexpr size_t kHeaderBytes = 32;
inline constexpr size_t kTagBytes = 16;
inline constexpr size_t kOverheadBytes = kHeaderBytes + kTagBytes;
// Shard payload limits: 256 keeps the header overhead under 16 %; 1400 +
// 48 bytes + IPv6/UDP headers (48) still fits a 1500-byte Ethernet MTU.
inline constexpr int kMinShardBytes = 256;
inline constexpr int kMaxShardBytes = 1400;
inline constexpr int kMaxShardsPerBlock = 255;
inline constexpr int kMaxBlocksPerFrame = 255;

namespace flag {
inline constexpr uint8_t kKeyframe = 1 << 0;
inline constexpr uint8_t kParity = 1 << 1;
inline constexpr uint8_t kLastBlock = 1 << 2;
}  // namespace flag

using Salt = std::array<uint8_t, 4>;

struct Header {
  uint8_t flags = 0;
  uint32_t sequence = 0;
  uint32_t frameIndex = 0;
  uint32_t frameBytes = 0;
  uint8_t blockIndex = 0;
  uint8_t blockCount = 0;
  uint8_t dataShards = 0;
  uint8_t parityShards = 0;
  uint8_t shardIndex = 0;
  int64_t captureStartUs = 0;
};

void writeHeader(const Header& header, uint8_t* out);
// The sequence number alone, read before the packet is authenticated,
// because it is part of the nonce.
uint32_t readSequence(const uint8_t* packet);
// Parses and checks the header's own consistency (version, reserved bytes
// zero, indices in range, the parity flag matching the shard index).
bool parseHeader(const uint8_t* packet, Header* out);

// Nonce = salt (4) || 0 (4) || sequence (4, big-endian).
std::array<uint8_t, 12> nonceFor(const Salt& salt, uint32_t sequence);

// A frame's data shards are split as evenly as possible into the fewest
// blocks of at most maxDataShardsPerBlock: the first (total % blocks) blocks
// get one shard more. The receiver derives the same layout from the frame
// size and block count alone.
struct BlockLayout {
  int totalDataShards = 0;
  int blockCount = 0;
  int dataShards(int blockIndex) const;
  int firstDataShard(int blockIndex) const;
};
BlockLayout layoutFor(size_t frameBytes, int shardBytes, int maxDataShardsPerBlock);
// ceil(dataShards * fecPercent / 100), clamped so the block stays <= 255 shards.
int parityShardsFor(int dataShards, int fecPercent);

}  // namespace net::pf1
