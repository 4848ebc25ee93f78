#pragma once
// Frame → sealed punktfunk/1 datagrams: split into shards and blocks, add
// Reed-Solomon parity per block, seal every datagram with AES-GCM. The
// datagrams land in an arena that is reused frame after frame, so a steady
// stream allocates nothing once the largest frame has been seen.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "net/aes_gcm.h"
#include "net/pf1_packet.h"
#include "net/reed_solomon.h"

namespace net {

struct PacketizerOptions {
  std::vector<uint8_t> key;  // 16 or 32 bytes
  pf1::Salt salt{};
  int shardBytes = 1200;
  int fecPercent = 20;
  int maxDataShardsPerBlock = 128;
};

struct FrameMeta {
  uint32_t frameIndex = 0;
  bool keyframe = false;
  int64_t captureStartUs = 0;
};

struct PacketizeResult {
  int packets = 0;
  int parityPackets = 0;
  size_t wireBytes = 0;
  int64_t fecUs = 0;
  int64_t sealUs = 0;
};

class Pf1Packetizer {
 public:
  // Throws INVALID_ARGUMENT on options out of range (TS checks them first).
  explicit Pf1Packetizer(const PacketizerOptions& options);

  // Throws INVALID_ARGUMENT for an empty frame or one over maxFrameBytes(),
  // KEY_EXHAUSTED when the frame would make a nonce repeat.
  PacketizeResult packetize(const uint8_t* frame, size_t frameBytes, const FrameMeta& meta);

  // The datagrams of the last packetize() call: datagramCount() of them,
  // each datagramBytes() long, back to back from datagrams().
  const uint8_t* datagrams() const { return arena_.data(); }
  size_t datagramBytes() const { return datagramBytes_; }
  int datagramCount() const { return datagramCount_; }

  void setFecPercent(int fecPercent);
  int fecPercent() const { return fecPercent_; }
  size_t maxFrameBytes() const;
  uint32_t nextSequence() const { return static_cast<uint32_t>(sealedPackets_); }

 private:
  ReedSolomon& codeFor(int dataShards);
  void addParity(const pf1::BlockLayout& layout, const uint8_t* frame, size_t frameBytes);
  void writeHeaders(const pf1::BlockLayout& layout, size_t frameBytes, const FrameMeta& meta);
  void sealAll();

  AesGcm cipher_;
  pf1::Salt salt_;
  int shardBytes_;
  int fecPercent_;
  int maxDataShardsPerBlock_;
  size_t datagramBytes_;
  uint64_t sealedPackets_ = 0;  // also the next sequence number (mod 2^32)

  // Reed-Solomon codes by data shard count, for the current fecPercent.
  std::array<std::unique_ptr<ReedSolomon>, pf1::kMaxShardsPerBlock + 1> codes_;
  std::vector<uint8_t> arena_;
  int datagramCount_ = 0;
  // Per datagram of the current frame: where its plaintext shard is (the
  // frame itself, tailShard_, or its own payload slot for parity).
  std::vector<const uint8_t*> plaintext_;
  std::vector<uint8_t> tailShard_;  // the frame's last data shard, zero-padded
  std::vector<const uint8_t*> blockData_;
  std::vector<uint8_t*> blockParity_;
};

}  // namespace net
