#include "net/pf1_packetizer.h"

#include <cstring>
#include <string>

#include "media/clock.h"
#include "net/net_error.h"

namespace net {
namespace {

void require(bool ok, const std::string& problem) {
  if (!ok) throw MediaError(media::code::kInvalidArgument, "packetizer: " + problem);
}

}  // namespace

Pf1Packetizer::Pf1Packetizer(const PacketizerOptions& o)
    : cipher_(o.key.data(), o.key.size()),
      salt_(o.salt),
      shardBytes_(o.shardBytes),
      fecPercent_(o.fecPercent),
      maxDataShardsPerBlock_(o.maxDataShardsPerBlock),
      datagramBytes_(pf1::kOverheadBytes + static_cast<size_t>(o.shardBytes)) {
  require(o.shardBytes >= pf1::kMinShardBytes && o.shardBytes <= pf1::kMaxShardBytes,
          "shardBytes out of range");
  require(o.fecPercent >= 0 && o.fecPercent <= 100, "fecPercent must be 0..100");
  // At least one parity shard must fit beside a full block.
  require(o.maxDataShardsPerBlock >= 1 && o.maxDataShardsPerBlock < pf1::kMaxShardsPerBlock,
          "maxDataShardsPerBlock must be 1..254");
  tailShard_.resize(static_cast<size_t>(shardBytes_));
}

size_t Pf1Packetizer::maxFrameBytes() const {
  return static_cast<size_t>(pf1::kMaxBlocksPerFrame) * maxDataShardsPerBlock_ * shardBytes_;
}

void Pf1Packetizer::setFecPercent(int fecPercent) {
  require(fecPercent >= 0 && fecPercent <= 100, "fecPercent must be 0..100");
  if (fecPercent == fecPercent_) return;
  fecPercent_ = fecPercent;
  for (auto& code : codes_) code.reset();
}

ReedSolomon& Pf1Packetizer::codeFor(int dataShards) {
  auto& code = codes_[dataShards];
  if (!code) {
    code = std::make_unique<ReedSolomon>(dataShards, pf1::parityShardsFor(dataShards, fecPercent_));
  }
  return *code;
}

PacketizeResult Pf1Packetizer::packetize(const uint8_t* frame, size_t frameBytes,
                                         const FrameMeta& meta) {
  require(frameBytes > 0, "empty frame");
  require(frameBytes <= maxFrameBytes(), "frame of " + std::to_string(frameBytes) +
                                             " bytes is over the limit of " +
                                             std::to_string(maxFrameBytes()));
  const pf1::BlockLayout layout = pf1::layoutFor(frameBytes, shardBytes_, maxDataShardsPerBlock_);
  int packets = 0;
  for (int b = 0; b < layout.blockCount; ++b) {
    const int d = layout.dataShards(b);
    packets += d + pf1::parityShardsFor(d, fecPercent_);
  }
  if (sealedPackets_ + static_cast<uint64_t>(packets) > (uint64_t{1} << 32)) {
    throw MediaError(code::kKeyExhausted, "2^32 datagrams sealed under this key; rekey the stream");
  }
  // Grows only when a frame needs more datagrams than any before it.
  if (arena_.size() < static_cast<size_t>(packets) * datagramBytes_) {
    arena_.resize(static_cast<size_t>(packets) * datagramBytes_);
  }
  plaintext_.resize(static_cast<size_t>(packets));
  datagramCount_ = packets;

  PacketizeResult result;
  media::StageTimer fecTimer;
  addParity(layout, frame, frameBytes);
  writeHeaders(layout, frameBytes, meta);
  result.fecUs = fecTimer.elapsedUs();
  media::StageTimer sealTimer;
  sealAll();
  result.sealUs = sealTimer.elapsedUs();
  result.packets = packets;
  result.parityPackets = packets - layout.totalDataShards;
  result.wireBytes = static_cast<size_t>(packets) * datagramBytes_;
  return result;
}

// Points plaintext_ at every datagram's shard and computes each block's
// parity straight into the payload slots of its parity datagrams.
void Pf1Packetizer::addParity(const pf1::BlockLayout& layout, const uint8_t* frame,
                              size_t frameBytes) {
  const size_t n = static_cast<size_t>(shardBytes_);
  const size_t lastShardBytes = frameBytes - (layout.totalDataShards - 1) * n;
  std::memcpy(tailShard_.data(), frame + (layout.totalDataShards - 1) * n, lastShardBytes);
  std::memset(tailShard_.data() + lastShardBytes, 0, n - lastShardBytes);

  int packet = 0;
  for (int b = 0; b < layout.blockCount; ++b) {
    ReedSolomon& code = codeFor(layout.dataShards(b));
    const int first = layout.firstDataShard(b);
    blockData_.resize(static_cast<size_t>(code.dataShards()));
    blockParity_.resize(static_cast<size_t>(code.parityShards()));
    for (int i = 0; i < code.dataShards(); ++i) {
      const int shard = first + i;
      blockData_[i] = shard == layout.totalDataShards - 1 ? tailShard_.data() : frame + shard * n;
      plaintext_[packet++] = blockData_[i];
    }
    for (int j = 0; j < code.parityShards(); ++j) {
      uint8_t* slot = &arena_[packet * datagramBytes_ + pf1::kHeaderBytes];
      blockParity_[j] = slot;
      plaintext_[packet++] = slot;
    }
    code.encode(blockData_.data(), blockParity_.data(), n);
  }
}

void Pf1Packetizer::writeHeaders(const pf1::BlockLayout& layout, size_t frameBytes,
                                 const FrameMeta& meta) {
  pf1::Header h;
  h.frameIndex = meta.frameIndex;
  h.frameBytes = static_cast<uint32_t>(frameBytes);
  h.blockCount = static_cast<uint8_t>(layout.blockCount);
  h.captureStartUs = meta.captureStartUs;
  int packet = 0;
  for (int b = 0; b < layout.blockCount; ++b) {
    const int d = layout.dataShards(b);
    const int p = pf1::parityShardsFor(d, fecPercent_);
    h.blockIndex = static_cast<uint8_t>(b);
    h.dataShards = static_cast<uint8_t>(d);
    h.parityShards = static_cast<uint8_t>(p);
    for (int s = 0; s < d + p; ++s, ++packet) {
      h.flags = (meta.keyframe ? pf1::flag::kKeyframe : 0) | (s >= d ? pf1::flag::kParity : 0) |
                (b + 1 == layout.blockCount ? pf1::flag::kLastBlock : 0);
      h.sequence = static_cast<uint32_t>(sealedPackets_ + packet);
      h.shardIndex = static_cast<uint8_t>(s);
      pf1::writeHeader(h, &arena_[packet * datagramBytes_]);
    }
  }
}

void Pf1Packetizer::sealAll() {
  const size_t n = static_cast<size_t>(shardBytes_);
  for (int packet = 0; packet < datagramCount_; ++packet) {
    uint8_t* datagram = &arena_[packet * datagramBytes_];
    const auto nonce = pf1::nonceFor(salt_, pf1::readSequence(datagram));
    uint8_t* payload = datagram + pf1::kHeaderBytes;
    cipher_.seal(nonce.data(), datagram, pf1::kHeaderBytes, plaintext_[packet], n, payload,
                 payload + n);
  }
  sealedPackets_ += static_cast<uint64_t>(datagramCount_);
}

}  // namespace net
