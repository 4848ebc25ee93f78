#include "net/gs_audio_packetizer.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "net/byte_order.h"
#include "net/gf256.h"
#include "net/net_error.h"

namespace net {
namespace {

void require(bool ok, const std::string& problem) {
  if (!ok) throw MediaError(media::code::kInvalidArgument, "gamestream audio: " + problem);
}

void writeRtpHeader(uint8_t* p, uint8_t payloadType, uint16_t seq, uint32_t ts) {
  p[0] = 0x80;
  p[1] = payloadType;
  putBe16(p + 2, seq);
  putBe32(p + 4, ts);
  putBe32(p + 8, 0);  // ssrc
}

// Inverts the 1x1 or 2x2 matrix m (row-major) in place over GF(2^8), where
// subtraction is XOR; false if singular.
bool invert(uint8_t* m, int n) {
  if (n == 1) {
    if (m[0] == 0) return false;
    m[0] = gf::inverse(m[0]);
    return true;
  }
  const uint8_t det = gf::mul(m[0], m[3]) ^ gf::mul(m[1], m[2]);
  if (det == 0) return false;
  const uint8_t k = gf::inverse(det);
  const uint8_t a = m[0], b = m[1], c = m[2], d = m[3];
  m[0] = gf::mul(k, d);
  m[1] = gf::mul(k, b);
  m[2] = gf::mul(k, c);
  m[3] = gf::mul(k, a);
  return true;
}

}  // namespace

namespace gs {

void audioParity(const uint8_t* const* data, uint8_t* const* parity, size_t bytes) {
  const gf::Kernel kernel = gf::bestKernel();
  for (int j = 0; j < kAudioParityShards; ++j) {
    gf::mulRegion(parity[j], data[0], kAudioParityMatrix[j][0], bytes, kernel);
    for (int i = 1; i < kAudioDataShards; ++i) {
      gf::mulAddRegion(parity[j], data[i], kAudioParityMatrix[j][i], bytes, kernel);
    }
  }
}

bool recoverAudioBlock(uint8_t* const* shards, const bool* present, size_t bytes) {
  int missing[kAudioParityShards];
  int parityRows[kAudioParityShards];
  int missingCount = 0, parityCount = 0;
  for (int i = 0; i < kAudioDataShards; ++i) {
    if (present[i]) continue;
    if (missingCount == kAudioParityShards) return false;
    missing[missingCount++] = i;
  }
  if (missingCount == 0) return true;
  for (int j = 0; j < kAudioParityShards && parityCount < missingCount; ++j) {
    if (present[kAudioDataShards + j]) parityRows[parityCount++] = j;
  }
  if (parityCount < missingCount) return false;
  // parity_j - sum over present data of c(j,k) * data_k = sum over missing of c(j,i) * x_i
  uint8_t a[4];
  for (int r = 0; r < missingCount; ++r) {
    for (int c = 0; c < missingCount; ++c) {
      a[r * missingCount + c] = kAudioParityMatrix[parityRows[r]][missing[c]];
    }
  }
  if (!invert(a, missingCount)) return false;
  const gf::Kernel kernel = gf::bestKernel();
  std::vector<uint8_t> rhs(bytes * missingCount);
  for (int r = 0; r < missingCount; ++r) {
    uint8_t* row = &rhs[bytes * r];
    std::memcpy(row, shards[kAudioDataShards + parityRows[r]], bytes);
    for (int k = 0; k < kAudioDataShards; ++k) {
      if (present[k])
        gf::mulAddRegion(row, shards[k], kAudioParityMatrix[parityRows[r]][k], bytes, kernel);
    }
  }
  for (int c = 0; c < missingCount; ++c) {
    uint8_t* out = shards[missing[c]];
    std::memset(out, 0, bytes);
    for (int r = 0; r < missingCount; ++r) {
      gf::mulAddRegion(out, &rhs[bytes * r], a[c * missingCount + r], bytes, kernel);
    }
  }
  return true;
}

std::array<uint8_t, 16> audioIv(uint32_t keyId, uint16_t sequence) {
  std::array<uint8_t, 16> iv{};
  putBe32(iv.data(), keyId + sequence);
  return iv;
}

}  // namespace gs

GsAudioPacketizer::GsAudioPacketizer(const GsAudioOptions& o)
    : keyId_(o.keyId), durationMs_(static_cast<uint32_t>(o.packetDurationMs)) {
  require(o.key.empty() || o.key.size() == 16, "key must be empty or 16 bytes");
  require(o.packetDurationMs == 5 || o.packetDurationMs == 10, "packetDurationMs must be 5 or 10");
  if (!o.key.empty()) cipher_ = std::make_unique<AesCbc>(o.key.data(), o.key.size());
  const size_t room = AesCbc::paddedBytes(gs::kAudioMaxPayloadBytes);
  for (auto& shard : shards_) shard.resize(room);
  dataPacket_.resize(gs::kAudioRtpHeaderBytes + room);
  fecPackets_.resize(gs::kAudioParityShards *
                     (gs::kAudioRtpHeaderBytes + gs::kAudioFecHeaderBytes + room));
}

GsAudioDatagrams GsAudioPacketizer::packetize(const uint8_t* payload, size_t bytes) {
  require(payload != nullptr && bytes > 0, "empty payload");
  require(bytes <= gs::kAudioMaxPayloadBytes,
          "payload over " + std::to_string(gs::kAudioMaxPayloadBytes) + " bytes");
  const uint16_t seq = sequence_;
  const uint32_t ts = timestamp_;
  const int slot = seq % gs::kAudioDataShards;
  uint8_t* body = dataPacket_.data() + gs::kAudioRtpHeaderBytes;
  size_t bodyBytes = bytes;
  if (cipher_) {
    const auto iv = gs::audioIv(keyId_, seq);
    bodyBytes = cipher_->encrypt(iv.data(), payload, bytes, body);
  } else {
    std::memcpy(body, payload, bytes);
  }
  writeRtpHeader(dataPacket_.data(), gs::kAudioPayloadType, seq, ts);
  std::memcpy(shards_[slot].data(), body, bodyBytes);
  shardBytes_[slot] = bodyBytes;

  GsAudioDatagrams out;
  out.data = dataPacket_.data();
  out.dataBytes = gs::kAudioRtpHeaderBytes + bodyBytes;
  if (slot == gs::kAudioDataShards - 1) {
    const uint16_t base = static_cast<uint16_t>(seq - slot);
    writeFec(base, ts - durationMs_ * static_cast<uint32_t>(slot));
    out.fec = fecPackets_.data();
    out.fecBytes = fecPacketBytes_;
    out.fecCount = gs::kAudioParityShards;
  }
  sequence_ = static_cast<uint16_t>(seq + 1);
  timestamp_ = ts + durationMs_;
  return out;
}

// Sunshine's layout: the FEC packets' own RTP seq follows the block's last
// data packet and their RTP timestamp is 0; the client reads only pt 127 and
// the FEC header behind it.
void GsAudioPacketizer::writeFec(uint16_t baseSequence, uint32_t baseTimestamp) {
  const size_t bytes = *std::max_element(shardBytes_.begin(), shardBytes_.end());
  for (int i = 0; i < gs::kAudioDataShards; ++i) {
    std::memset(shards_[i].data() + shardBytes_[i], 0, bytes - shardBytes_[i]);
  }
  fecPacketBytes_ = gs::kAudioRtpHeaderBytes + gs::kAudioFecHeaderBytes + bytes;
  const uint8_t* data[gs::kAudioDataShards];
  uint8_t* parity[gs::kAudioParityShards];
  for (int i = 0; i < gs::kAudioDataShards; ++i) data[i] = shards_[i].data();
  for (int j = 0; j < gs::kAudioParityShards; ++j) {
    uint8_t* p = fecPackets_.data() + j * fecPacketBytes_;
    writeRtpHeader(p, gs::kAudioFecPayloadType,
                   static_cast<uint16_t>(baseSequence + gs::kAudioDataShards + j), 0);
    uint8_t* h = p + gs::kAudioRtpHeaderBytes;
    h[0] = static_cast<uint8_t>(j);
    h[1] = gs::kAudioPayloadType;
    putBe16(h + 2, baseSequence);
    putBe32(h + 4, baseTimestamp);
    putBe32(h + 8, 0);
    parity[j] = h + gs::kAudioFecHeaderBytes;
  }
  gs::audioParity(data, parity, bytes);
}

}  // namespace net
