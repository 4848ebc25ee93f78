#pragma once
// Encoded frame → GameStream video datagrams, as Moonlight's RtpVideoQueue.c
// and VideoDepacketizer.c expect them (docs/gamestream.md, "Video and audio
// packets"). Every datagram is one RTP packet of exactly packetSize + 16
// bytes: RTP header with extension (16) + NV_VIDEO_PACKET (16) + payload,
// zero-padded. A frame is split into up to 4 FEC blocks; each block gets
// Reed-Solomon parity over the whole packets (headers included), with rs.c's
// matrix. With video encryption every packet is sealed with AES-GCM behind a
// 32-byte prefix. The datagrams land in an arena reused frame after frame.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "net/aes_gcm.h"
#include "net/reed_solomon.h"

namespace net {
namespace gs {

inline constexpr size_t kRtpHeaderBytes = 16;  // 12 fixed + 4 extension bytes
inline constexpr size_t kNvHeaderBytes = 16;   // NV_VIDEO_PACKET
inline constexpr size_t kFrameHeaderBytes = 8;
// ENC_VIDEO_HEADER: iv[12], LE32 frameNumber, tag[16].
inline constexpr size_t kEncPrefixBytes = 32;
// multiFecBlocks has 2 bits for the block number.
inline constexpr int kMaxFecBlocks = 4;
inline constexpr int kMaxShardsPerBlock = 255;
// The client's packetSize includes the NV header; a packet must carry payload.
inline constexpr int kMinPacketSize = 64;
inline constexpr int kMaxPacketSize = 4096;

namespace flag {
inline constexpr uint8_t kPicData = 0x1;
inline constexpr uint8_t kEof = 0x2;
inline constexpr uint8_t kSof = 0x4;
}  // namespace flag

// What the client will compute from fecInfo: ceil(data * pct / 100).
inline int clientParityFor(int dataShards, int fecPct) { return (dataShards * fecPct + 99) / 100; }

// The fecInfo percentage to announce for `parity` shards beside `data`, and
// the parity count the client will then expect (which is what we send). The
// client derives the parity count from the percentage, so when a minimum
// raised the parity above the configured percentage, the announced one is
// raised until it yields exactly that count (or the nearest one that fits
// in 255 shards).
struct BlockFec {
  int fecPct = 0;
  int parityShards = 0;
};
BlockFec announcedFec(int dataShards, int wantedParity);

// Removes x264's "user data unregistered" version SEI (H.264) or x265's
// info SEI (HEVC) from the NAL units before the first slice. Returns false,
// leaving `out` untouched, when there is none. codec: "h264" | "hevc".
bool stripEncoderInfoSei(const uint8_t* frame, size_t bytes, const std::string& codec,
                         std::vector<uint8_t>& out);

}  // namespace gs

struct GsVideoOptions {
  int packetSize = 1392;  // the client's (SDP packetSize), NV header + payload
  int fecPercent = 20;    // 0..255
  int minRequiredFecPackets = 2;
  uint8_t payloadType = 0;
  uint32_t ssrc = 0;
  std::string codec = "h264";  // h264 | hevc: which encoder SEI to strip from IDRs; av1: none
  std::vector<uint8_t> key;    // empty: no encryption; else the 16-byte rikey
  uint16_t initialSequence = 0;
};

struct GsFrameMeta {
  uint32_t frameIndex = 1;  // the client starts at 1
  uint8_t frameType = 1;    // 1 P, 2 IDR, 4 intra refresh, 5 P after RFI
  int64_t hostLatencyUs = 0;
  uint32_t rtpTimestamp = 0;  // 90 kHz
};

struct GsPacketizeResult {
  int packets = 0;
  int parityPackets = 0;
  int blocks = 0;
  size_t wireBytes = 0;
  size_t strippedBytes = 0;  // encoder SEI removed from an IDR
  int64_t fecUs = 0;         // headers, payload copy and parity
  int64_t sealUs = 0;
};

class GsVideoPacketizer {
 public:
  // Throws INVALID_ARGUMENT on options out of range (TS checks them first).
  explicit GsVideoPacketizer(const GsVideoOptions& options);

  // Throws INVALID_ARGUMENT for an empty frame or one over maxFrameBytes().
  GsPacketizeResult packetize(const uint8_t* frame, size_t frameBytes, const GsFrameMeta& meta);

  // The datagrams of the last packetize(): datagramCount() of datagramBytes()
  // each, back to back.
  const uint8_t* datagrams() const { return arena_.data(); }
  size_t datagramBytes() const { return stride_; }
  int datagramCount() const { return datagramCount_; }

  size_t maxFrameBytes() const;
  uint16_t nextSequence() const { return nextSequence_; }
  void setFecPercent(int fecPercent);
  int packetSize() const { return packetSize_; }
  bool encrypted() const { return cipher_ != nullptr; }

 private:
  struct Block {
    int firstDataShard = 0;  // in the frame
    int dataShards = 0;
    gs::BlockFec fec;
  };
  int maxDataShardsPerBlock() const;
  void planBlocks(size_t payloadBytes);
  void writeBlock(int b, const uint8_t* frame, size_t frameBytes, const GsFrameMeta& meta,
                  int firstPacket);
  void writeParityHeaders(int b, const GsFrameMeta& meta, int firstPacket);
  void sealAll(uint32_t frameIndex);
  uint8_t* packetAt(int i) { return &arena_[static_cast<size_t>(i) * stride_ + prefixBytes_]; }
  ReedSolomon& codeFor(int dataShards, int parityShards);

  int packetSize_;
  int fecPercent_;
  int minRequiredFecPackets_;
  uint8_t payloadType_;
  uint32_t ssrc_;
  std::string codec_;
  std::unique_ptr<AesGcm> cipher_;
  size_t prefixBytes_;
  size_t stride_;  // one datagram
  uint16_t nextSequence_;
  uint32_t nextStreamPacket_ = 0;  // 24 bits on the wire
  uint64_t ivCounter_ = 0;

  std::vector<Block> blocks_;
  // Codes by (data, parity); a frame needs at most a few distinct shapes.
  std::vector<std::unique_ptr<ReedSolomon>> codes_;
  std::vector<uint8_t> arena_;
  std::vector<uint8_t> stripped_;
  std::vector<const uint8_t*> blockData_;
  std::vector<uint8_t*> blockParity_;
  int datagramCount_ = 0;
};

}  // namespace net
