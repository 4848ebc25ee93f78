#pragma once
// Opus packet → GameStream audio datagrams, as Moonlight's AudioStream.c and
// RtpAudioQueue.c expect them: RTP (0x80, pt 97, BE16 seq from 0, BE32
// timestamp in ms, ssrc 0) + payload, optionally AES-128-CBC encrypted; after
// every 4th packet two FEC packets (pt 127) whose parity is computed with
// the fixed matrix the client uses (not rs.c's generated one).
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "net/gs_aes_cbc.h"

namespace net {
namespace gs {

inline constexpr size_t kAudioRtpHeaderBytes = 12;
// AUDIO_FEC_HEADER: shard index, payload type, BE16 base seq, BE32 base ts, BE32 ssrc.
inline constexpr size_t kAudioFecHeaderBytes = 12;
inline constexpr int kAudioDataShards = 4;
inline constexpr int kAudioParityShards = 2;
inline constexpr uint8_t kAudioPayloadType = 97;
inline constexpr uint8_t kAudioFecPayloadType = 127;
// Far above any Opus packet GameStream sends (CBR 5 ms stereo is ~60 bytes).
inline constexpr size_t kAudioMaxPayloadBytes = 1400;

// RtpAudioQueue.c overwrites rs.c's matrix with these rows (from OpenFEC),
// because that is what GeForce Experience computes.
inline constexpr uint8_t kAudioParityMatrix[kAudioParityShards][kAudioDataShards] = {
    {0x77, 0x40, 0x38, 0x0e}, {0xc7, 0xa7, 0x0d, 0x6c}};

void audioParity(const uint8_t* const* data, uint8_t* const* parity, size_t bytes);

// shards: 4 data then 2 parity, each `bytes` long; present: which hold
// received bytes. Fills the missing data shards and returns true, or returns
// false (touching nothing) when more than 2 are missing.
bool recoverAudioBlock(uint8_t* const* shards, const bool* present, size_t bytes);

// 16-byte CBC IV: BE32(rikeyid + seq), then 12 zero bytes.
std::array<uint8_t, 16> audioIv(uint32_t keyId, uint16_t sequence);

}  // namespace gs

struct GsAudioOptions {
  std::vector<uint8_t> key;  // empty: no encryption; else the 16-byte rikey
  uint32_t keyId = 0;        // rikeyid
  int packetDurationMs = 5;  // 5 or 10
};

// One packetize() call's datagrams: the data packet, and after each 4th the
// block's two FEC packets (fecCount 2), back to back, fecBytes each.
struct GsAudioDatagrams {
  const uint8_t* data = nullptr;
  size_t dataBytes = 0;
  const uint8_t* fec = nullptr;
  size_t fecBytes = 0;
  int fecCount = 0;
};

class GsAudioPacketizer {
 public:
  // Throws INVALID_ARGUMENT on bad options.
  explicit GsAudioPacketizer(const GsAudioOptions& options);

  // Throws INVALID_ARGUMENT for an empty payload or one over kAudioMaxPayloadBytes.
  GsAudioDatagrams packetize(const uint8_t* payload, size_t bytes);

  uint16_t nextSequence() const { return sequence_; }
  uint32_t nextTimestamp() const { return timestamp_; }
  bool encrypted() const { return cipher_ != nullptr; }

 private:
  void writeFec(uint16_t baseSequence, uint32_t baseTimestamp);

  std::unique_ptr<AesCbc> cipher_;
  uint32_t keyId_;
  uint32_t durationMs_;
  uint16_t sequence_ = 0;
  uint32_t timestamp_ = 0;
  // The block's (encrypted) payloads, zero-padded to the largest of them;
  // CBR Opus makes them equal, which the client's FEC needs.
  std::array<std::vector<uint8_t>, gs::kAudioDataShards> shards_;
  std::array<size_t, gs::kAudioDataShards> shardBytes_{};
  std::vector<uint8_t> dataPacket_;
  std::vector<uint8_t> fecPackets_;
  size_t fecPacketBytes_ = 0;
};

}  // namespace net
