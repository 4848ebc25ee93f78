#include "net/gs_video_packetizer.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "media/clock.h"
#include "net/byte_order.h"
#include "net/net_error.h"

namespace net {
namespace {

void require(bool ok, const std::string& problem) {
  if (!ok) throw MediaError(media::code::kInvalidArgument, "gamestream video: " + problem);
}

// The 0x90 marks RTP v2 with the extension bit, which the client requires
// (it then skips the 4 extension bytes before NV_VIDEO_PACKET).
void writeRtpHeader(uint8_t* p, uint8_t payloadType, uint16_t seq, uint32_t ts, uint32_t ssrc) {
  p[0] = 0x90;
  p[1] = payloadType;
  putBe16(p + 2, seq);
  putBe32(p + 4, ts);
  putBe32(p + 8, ssrc);
}

uint32_t fecInfo(int dataShards, int shardIndex, int fecPct) {
  return static_cast<uint32_t>(dataShards) << 22 | static_cast<uint32_t>(shardIndex) << 12 |
         static_cast<uint32_t>(fecPct) << 4;
}

uint8_t multiFecBlocks(int block, int blockCount) {
  return static_cast<uint8_t>(block << 4 | (blockCount - 1) << 6);
}

// NV_VIDEO_PACKET offsets, after the 16-byte RTP header.
constexpr size_t kStreamPacketIndexAt = gs::kRtpHeaderBytes;
constexpr size_t kFrameIndexAt = gs::kRtpHeaderBytes + 4;
constexpr size_t kFlagsAt = gs::kRtpHeaderBytes + 8;
constexpr size_t kMultiFecFlagsAt = gs::kRtpHeaderBytes + 10;
constexpr size_t kMultiFecBlocksAt = gs::kRtpHeaderBytes + 11;
constexpr size_t kFecInfoAt = gs::kRtpHeaderBytes + 12;
constexpr size_t kPayloadAt = gs::kRtpHeaderBytes + gs::kNvHeaderBytes;

// Copies `len` bytes of the frame payload (frame header, then the frame) from
// `offset` on, zero-filling past its end.
void copyPayload(uint8_t* dst, size_t offset, size_t len, const uint8_t* header,
                 const uint8_t* frame, size_t frameBytes) {
  const size_t total = gs::kFrameHeaderBytes + frameBytes;
  const size_t avail = offset < total ? std::min(len, total - offset) : 0;
  size_t n = 0;
  while (n < avail && offset + n < gs::kFrameHeaderBytes) {
    dst[n] = header[offset + n];
    ++n;
  }
  if (n < avail) std::memcpy(dst + n, frame + (offset + n - gs::kFrameHeaderBytes), avail - n);
  std::memset(dst + avail, 0, len - avail);
}

// Annex B start code at p (3 or 4 bytes); returns its length or 0.
size_t startCodeAt(const uint8_t* p, size_t left) {
  if (left >= 3 && p[0] == 0 && p[1] == 0 && p[2] == 1) return 3;
  if (left >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 1) return 4;
  return 0;
}

size_t nextStartCode(const uint8_t* frame, size_t bytes, size_t from) {
  for (size_t i = from; i + 3 <= bytes; ++i) {
    if (frame[i] == 0 && frame[i + 1] == 0 &&
        (frame[i + 2] == 1 || (frame[i + 2] == 0 && i + 4 <= bytes && frame[i + 3] == 1))) {
      return i;
    }
  }
  return bytes;
}

// x264's and x265's version/settings SEI: user data unregistered with these UUIDs.
constexpr uint8_t kX264Uuid[16] = {0xdc, 0x45, 0xe9, 0xbd, 0xe6, 0xd9, 0x48, 0xb7,
                                   0x96, 0x2c, 0xd8, 0x20, 0xd9, 0x23, 0xee, 0xef};
constexpr uint8_t kX265Uuid[16] = {0x2c, 0xa2, 0xde, 0x09, 0xb5, 0x17, 0x47, 0xdb,
                                   0xbb, 0x55, 0xa4, 0xfe, 0x7f, 0xc2, 0xfc, 0x4e};

// True if the SEI payload (after the NAL header) starts with a user data
// unregistered message (payloadType 5) carrying `uuid`.
bool isEncoderInfoSei(const uint8_t* p, size_t left, const uint8_t* uuid) {
  size_t i = 0;
  int type = 0;
  while (i < left && p[i] == 0xff) type += p[i++];
  if (i >= left) return false;
  type += p[i++];
  while (i < left && p[i] == 0xff) ++i;  // payload size: not needed
  if (i >= left) return false;
  ++i;
  return type == 5 && left - i >= 16 && std::memcmp(p + i, uuid, 16) == 0;
}

}  // namespace

namespace gs {

BlockFec announcedFec(int dataShards, int wantedParity) {
  BlockFec best;
  const int cap = kMaxShardsPerBlock - dataShards;
  if (wantedParity <= 0 || cap <= 0) return best;
  wantedParity = std::min(wantedParity, cap);
  // The client's parity count only grows with the percentage, and the field has 8 bits.
  for (int pct = 1; pct <= 255; ++pct) {
    const int parity = clientParityFor(dataShards, pct);
    if (parity > cap) break;
    best = {pct, parity};
    if (parity >= wantedParity) break;
  }
  return best;
}

bool stripEncoderInfoSei(const uint8_t* frame, size_t bytes, const std::string& codec,
                         std::vector<uint8_t>& out) {
  const bool hevc = codec == "hevc";
  size_t pos = nextStartCode(frame, bytes, 0);
  while (pos < bytes) {
    const size_t sc = startCodeAt(frame + pos, bytes - pos);
    const size_t nal = pos + sc;
    const size_t end = nextStartCode(frame, bytes, nal);
    if (nal >= end) return false;
    const int type = hevc ? (frame[nal] >> 1) & 0x3f : frame[nal] & 0x1f;
    const bool slice = hevc ? type < 32 : (type >= 1 && type <= 5);
    if (slice) return false;  // the SEI comes before the first slice
    const size_t headerBytes = hevc ? 2 : 1;
    const bool sei = hevc ? type == 39 : type == 6;
    if (sei && end - nal > headerBytes &&
        isEncoderInfoSei(frame + nal + headerBytes, end - nal - headerBytes,
                         hevc ? kX265Uuid : kX264Uuid)) {
      out.assign(frame, frame + pos);
      out.insert(out.end(), frame + end, frame + bytes);
      return true;
    }
    pos = end;
  }
  return false;
}

}  // namespace gs

GsVideoPacketizer::GsVideoPacketizer(const GsVideoOptions& o)
    : packetSize_(o.packetSize),
      fecPercent_(o.fecPercent),
      minRequiredFecPackets_(o.minRequiredFecPackets),
      payloadType_(o.payloadType),
      ssrc_(o.ssrc),
      codec_(o.codec),
      prefixBytes_(o.key.empty() ? 0 : gs::kEncPrefixBytes),
      nextSequence_(o.initialSequence) {
  require(o.packetSize >= gs::kMinPacketSize && o.packetSize <= gs::kMaxPacketSize,
          "packetSize must be " + std::to_string(gs::kMinPacketSize) + ".." +
              std::to_string(gs::kMaxPacketSize));
  require(o.fecPercent >= 0 && o.fecPercent <= 255, "fecPercent must be 0..255");
  require(o.minRequiredFecPackets >= 0 && o.minRequiredFecPackets <= 64,
          "minRequiredFecPackets must be 0..64");
  require(o.codec == "h264" || o.codec == "hevc" || o.codec == "av1",
          "codec must be h264, hevc or av1");
  require(o.key.empty() || o.key.size() == 16, "key must be empty or 16 bytes");
  if (!o.key.empty()) cipher_ = std::make_unique<AesGcm>(o.key.data(), o.key.size());
  stride_ = prefixBytes_ + static_cast<size_t>(packetSize_) + gs::kRtpHeaderBytes;
}

size_t GsVideoPacketizer::maxFrameBytes() const {
  const size_t shardPayload = static_cast<size_t>(packetSize_) - gs::kNvHeaderBytes;
  return gs::kMaxFecBlocks * gs::kMaxShardsPerBlock * shardPayload - gs::kFrameHeaderBytes;
}

void GsVideoPacketizer::setFecPercent(int fecPercent) {
  require(fecPercent >= 0 && fecPercent <= 255, "fecPercent must be 0..255");
  fecPercent_ = fecPercent;
}

// The largest block whose data and wanted parity fit in 255 shards.
int GsVideoPacketizer::maxDataShardsPerBlock() const {
  for (int d = gs::kMaxShardsPerBlock - 1; d > 1; --d) {
    const int wanted = std::max(gs::clientParityFor(d, fecPercent_), minRequiredFecPackets_);
    if (d + wanted <= gs::kMaxShardsPerBlock) return d;
  }
  return 1;
}

void GsVideoPacketizer::planBlocks(size_t payloadBytes) {
  const size_t shardPayload = static_cast<size_t>(packetSize_) - gs::kNvHeaderBytes;
  const int total = static_cast<int>((payloadBytes + shardPayload - 1) / shardPayload);
  // A frame too large for 4 full-FEC blocks still goes out in 4 blocks, with
  // its parity cut to what fits beside the data (announcedFec caps it).
  const int maxData = maxDataShardsPerBlock();
  const int wantedBlocks = std::min((total + maxData - 1) / maxData, gs::kMaxFecBlocks);
  const int perBlock = (total + wantedBlocks - 1) / wantedBlocks;
  const int blockCount = (total + perBlock - 1) / perBlock;
  blocks_.resize(static_cast<size_t>(blockCount));
  for (int b = 0; b < blockCount; ++b) {
    Block& block = blocks_[b];
    block.firstDataShard = b * perBlock;
    block.dataShards = std::min(perBlock, total - b * perBlock);
    const int wanted =
        std::max(gs::clientParityFor(block.dataShards, fecPercent_), minRequiredFecPackets_);
    block.fec = gs::announcedFec(block.dataShards, wanted);
  }
}

ReedSolomon& GsVideoPacketizer::codeFor(int dataShards, int parityShards) {
  for (auto& code : codes_) {
    if (code->dataShards() == dataShards && code->parityShards() == parityShards) return *code;
  }
  if (codes_.size() >= 32) codes_.clear();  // the shapes changed for good; start over
  codes_.push_back(std::make_unique<ReedSolomon>(dataShards, parityShards));
  return *codes_.back();
}

GsPacketizeResult GsVideoPacketizer::packetize(const uint8_t* frame, size_t frameBytes,
                                               const GsFrameMeta& meta) {
  require(frame != nullptr && frameBytes > 0, "empty frame");
  media::StageTimer fecTimer;
  GsPacketizeResult result;
  // AV1 goes out as the encoder's OBUs: the client trusts the frame header's
  // type instead of parsing the bitstream, so there is nothing to strip.
  const bool annexB = codec_ != "av1";
  if (annexB && meta.frameType == 2 &&
      gs::stripEncoderInfoSei(frame, frameBytes, codec_, stripped_)) {
    result.strippedBytes = frameBytes - stripped_.size();
    frame = stripped_.data();
    frameBytes = stripped_.size();
  }
  require(frameBytes <= maxFrameBytes(), "frame of " + std::to_string(frameBytes) +
                                             " bytes is over the limit of " +
                                             std::to_string(maxFrameBytes()));
  planBlocks(gs::kFrameHeaderBytes + frameBytes);
  int packets = 0;
  for (const Block& block : blocks_) packets += block.dataShards + block.fec.parityShards;
  if (arena_.size() < static_cast<size_t>(packets) * stride_) {
    arena_.resize(static_cast<size_t>(packets) * stride_);
  }
  datagramCount_ = packets;

  int first = 0;
  for (int b = 0; b < static_cast<int>(blocks_.size()); ++b) {
    writeBlock(b, frame, frameBytes, meta, first);
    writeParityHeaders(b, meta, first);
    first += blocks_[b].dataShards + blocks_[b].fec.parityShards;
  }
  const int dataPackets = blocks_.back().firstDataShard + blocks_.back().dataShards;
  nextStreamPacket_ = (nextStreamPacket_ + static_cast<uint32_t>(dataPackets)) & 0xffffff;
  nextSequence_ = static_cast<uint16_t>(nextSequence_ + packets);
  result.fecUs = fecTimer.elapsedUs();

  media::StageTimer sealTimer;
  if (cipher_) sealAll(meta.frameIndex);
  result.sealUs = cipher_ ? sealTimer.elapsedUs() : 0;
  result.packets = packets;
  result.parityPackets = packets - dataPackets;
  result.blocks = static_cast<int>(blocks_.size());
  result.wireBytes = static_cast<size_t>(packets) * stride_;
  return result;
}

// Writes block b's data packets from packet index `firstPacket` on, then
// its parity packets' bodies (Reed-Solomon over the whole data packets).
void GsVideoPacketizer::writeBlock(int b, const uint8_t* frame, size_t frameBytes,
                                   const GsFrameMeta& meta, int firstPacket) {
  const Block& block = blocks_[b];
  const size_t shardPayload = static_cast<size_t>(packetSize_) - gs::kNvHeaderBytes;
  const size_t payloadBytes = gs::kFrameHeaderBytes + frameBytes;
  size_t lastPayload = payloadBytes % shardPayload;
  if (lastPayload == 0) lastPayload = shardPayload;
  // 0.1 ms units, rounded, saturating: Moonlight's "host processing latency".
  const int64_t latency = std::clamp<int64_t>((meta.hostLatencyUs + 50) / 100, 0, 0xffff);
  uint8_t header[gs::kFrameHeaderBytes] = {0x01, 0, 0, meta.frameType, 0, 0, 0, 0};
  putLe16(header + 1, static_cast<uint32_t>(latency));
  putLe16(header + 4, static_cast<uint32_t>(lastPayload));

  const int blockCount = static_cast<int>(blocks_.size());
  blockData_.resize(static_cast<size_t>(block.dataShards));
  for (int i = 0; i < block.dataShards; ++i) {
    uint8_t* p = packetAt(firstPacket + i);
    const int shard = block.firstDataShard + i;
    writeRtpHeader(p, payloadType_, static_cast<uint16_t>(nextSequence_ + firstPacket + i),
                   meta.rtpTimestamp, ssrc_);
    std::memset(p + 12, 0, 4);  // RTP extension bytes
    putLe32(p + kStreamPacketIndexAt, ((nextStreamPacket_ + shard) & 0xffffff) << 8);
    putLe32(p + kFrameIndexAt, meta.frameIndex);
    // SOF and EOF mark each block's ends: the client checks them per block
    // after recovery, and only block 0's SOF starts a frame.
    p[kFlagsAt] = static_cast<uint8_t>(gs::flag::kPicData | (i == 0 ? gs::flag::kSof : 0) |
                                       (i == block.dataShards - 1 ? gs::flag::kEof : 0));
    p[kFlagsAt + 1] = 0;  // extraFlags
    p[kMultiFecFlagsAt] = 0x10;
    p[kMultiFecBlocksAt] = multiFecBlocks(b, blockCount);
    putLe32(p + kFecInfoAt, fecInfo(block.dataShards, i, block.fec.fecPct));
    copyPayload(p + kPayloadAt, static_cast<size_t>(shard) * shardPayload, shardPayload, header,
                frame, frameBytes);
    blockData_[i] = p;
  }
  if (block.fec.parityShards == 0) return;
  blockParity_.resize(static_cast<size_t>(block.fec.parityShards));
  for (int j = 0; j < block.fec.parityShards; ++j) {
    blockParity_[j] = packetAt(firstPacket + block.dataShards + j);
  }
  codeFor(block.dataShards, block.fec.parityShards)
      .encode(blockData_.data(), blockParity_.data(),
              static_cast<size_t>(packetSize_) + gs::kRtpHeaderBytes);
}

// Parity covers the headers too, so only the fields the client rewrites in
// a recovered packet (RTP header, frameIndex, multiFecBlocks) or reads from
// the parity packet itself (fecInfo) may be set afterwards.
void GsVideoPacketizer::writeParityHeaders(int b, const GsFrameMeta& meta, int firstPacket) {
  const Block& block = blocks_[b];
  for (int j = 0; j < block.fec.parityShards; ++j) {
    const int index = firstPacket + block.dataShards + j;
    uint8_t* p = packetAt(index);
    writeRtpHeader(p, payloadType_, static_cast<uint16_t>(nextSequence_ + index), meta.rtpTimestamp,
                   ssrc_);
    putLe32(p + kFrameIndexAt, meta.frameIndex);
    p[kMultiFecBlocksAt] = multiFecBlocks(b, static_cast<int>(blocks_.size()));
    putLe32(p + kFecInfoAt, fecInfo(block.dataShards, block.dataShards + j, block.fec.fecPct));
  }
}

// ENC_VIDEO_HEADER then the sealed packet. The IV is a per-key packet
// counter (NIST SP 800-38D 8.2.1 deterministic construction: 64-bit
// invocation field, 'V' as the fixed field, as Sunshine does), so it never
// repeats under one rikey.
void GsVideoPacketizer::sealAll(uint32_t frameIndex) {
  const size_t bytes = static_cast<size_t>(packetSize_) + gs::kRtpHeaderBytes;
  for (int i = 0; i < datagramCount_; ++i) {
    uint8_t* prefix = &arena_[static_cast<size_t>(i) * stride_];
    std::memset(prefix, 0, 12);
    for (int k = 0; k < 8; ++k) prefix[k] = static_cast<uint8_t>(ivCounter_ >> (8 * k));
    prefix[11] = 'V';
    ++ivCounter_;
    putLe32(prefix + 12, frameIndex);
    uint8_t* packet = prefix + gs::kEncPrefixBytes;
    cipher_->seal(prefix, nullptr, 0, packet, bytes, packet, prefix + 16);
  }
}

}  // namespace net
