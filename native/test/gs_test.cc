// Plain C++ checks of the GameStream video and audio packet paths. The video
// side is verified by a client written here from moonlight-common-c's
// behaviour (RtpVideoQueue.c's shard index math and recovery, then
// VideoDepacketizer.c's frame header and tail handling); the audio side by
// decoding the Opus back and measuring the tone. Pings (how the senders learn
// the client) are parsed here and read over loopback.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <opus.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "media/capture.h"
#include "media/decoder.h"
#include "media/encoder.h"
#include "media/opus_decoder.h"
#include "media/opus_encoder.h"
#include "net/aes_gcm.h"
#include "net/gf256.h"
#include "net/gs_aes_cbc.h"
#include "net/gs_audio_packetizer.h"
#include "net/gs_audio_sender.h"
#include "net/gs_ping.h"
#include "net/gs_video_packetizer.h"
#include "net/net_error.h"
#include "net/reed_solomon.h"
#include "test_media.h"

namespace {

using testkit::check;

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) { return static_cast<uint32_t>(be16(p)) << 16 | be16(p + 2); }
uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t le32(const uint8_t* p) { return le16(p) | static_cast<uint32_t>(le16(p + 2)) << 16; }
void putLe32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// ---- the client's view of a video packet (Video.h) ----

struct VideoPacket {
  uint8_t rtpHeader, payloadType;
  uint16_t seq;
  uint32_t timestamp, ssrc, extension;
  uint32_t streamPacketIndex, frameIndex;
  uint8_t flags, extraFlags, multiFecFlags, multiFecBlocks;
  uint32_t fecInfo;
  int block() const { return (multiFecBlocks >> 4) & 3; }
  int lastBlock() const { return (multiFecBlocks >> 6) & 3; }
  int dataShards() const { return static_cast<int>(fecInfo >> 22); }
  int shardIndex() const { return static_cast<int>((fecInfo & 0x3ff000) >> 12); }
  int fecPct() const { return static_cast<int>((fecInfo & 0xff0) >> 4); }
};

VideoPacket parseVideo(const uint8_t* p) {
  VideoPacket v;
  v.rtpHeader = p[0];
  v.payloadType = p[1];
  v.seq = be16(p + 2);
  v.timestamp = be32(p + 4);
  v.ssrc = be32(p + 8);
  v.extension = be32(p + 12);
  v.streamPacketIndex = le32(p + 16);
  v.frameIndex = le32(p + 20);
  v.flags = p[24];
  v.extraFlags = p[25];
  v.multiFecFlags = p[26];
  v.multiFecBlocks = p[27];
  v.fecInfo = le32(p + 28);
  return v;
}

// Plays Moonlight: decrypts, queues per FEC block by sequence number,
// recovers with rs.c's code, rewrites recovered headers, reassembles.
class VideoClient {
 public:
  VideoClient(int packetSize, const std::vector<uint8_t>& key) : packetSize_(packetSize) {
    if (!key.empty()) cipher_ = std::make_unique<net::AesGcm>(key.data(), key.size());
  }

  // false: rejected (wrong size or failed authentication).
  bool push(const uint8_t* datagram, size_t bytes) {
    const size_t plain = static_cast<size_t>(packetSize_) + 16;
    std::vector<uint8_t> packet(plain);
    if (cipher_) {
      if (bytes != plain + 32) return false;
      if (!cipher_->open(datagram, nullptr, 0, datagram + 32, plain, datagram + 16,
                         packet.data())) {
        return false;
      }
      if (le32(datagram + 12) != parseVideo(packet.data()).frameIndex) return false;
    } else {
      if (bytes != plain) return false;
      std::memcpy(packet.data(), datagram, bytes);
    }
    packets_.push_back(std::move(packet));
    return true;
  }

  struct Frame {
    bool ok = false;
    std::string error;
    std::vector<uint8_t> data;
    int frameType = 0;
    int latency = 0;
    int recovered = 0;
  };

  Frame assemble(uint32_t frameIndex);
  void clear() {
    packets_.clear();
    recovered_.clear();
  }

 private:
  bool recoverBlock(std::vector<std::vector<uint8_t>*>& slots, int d, int p, Frame& f);

  int packetSize_;
  std::unique_ptr<net::AesGcm> cipher_;
  std::vector<std::vector<uint8_t>> packets_;
  std::deque<std::vector<uint8_t>> recovered_;  // stable addresses
};

bool VideoClient::recoverBlock(std::vector<std::vector<uint8_t>*>& slots, int d, int p, Frame& f) {
  const size_t receiveSize = static_cast<size_t>(packetSize_) + 16;
  const VideoPacket head = parseVideo(
      std::find_if(slots.begin(), slots.end(), [](auto* s) { return s != nullptr; })[0]->data());
  std::vector<std::vector<uint8_t>> scratch(slots.size(), std::vector<uint8_t>(receiveSize));
  std::vector<uint8_t*> shards(slots.size());
  std::unique_ptr<bool[]> present(new bool[slots.size()]);
  int missingData = 0;
  for (size_t i = 0; i < slots.size(); ++i) {
    present[i] = slots[i] != nullptr;
    shards[i] = present[i] ? slots[i]->data() : scratch[i].data();
    if (!present[i] && static_cast<int>(i) < d) ++missingData;
  }
  if (missingData == 0) return true;
  net::ReedSolomon rs(d, p);
  if (!rs.reconstruct(shards.data(), present.get(), receiveSize)) {
    f.error = "unrecoverable block";
    return false;
  }
  for (int i = 0; i < d; ++i) {
    if (present[i]) continue;
    uint8_t* r = scratch[i].data();
    // RtpVideoQueue.c: header, timestamp, ssrc from the queue head; seq from the slot.
    r[0] = head.rtpHeader;
    r[1] = head.payloadType;
    r[2] = static_cast<uint8_t>((head.seq - head.shardIndex() + i) >> 8);
    r[3] = static_cast<uint8_t>(head.seq - head.shardIndex() + i);
    for (int k = 0; k < 4; ++k) r[4 + k] = static_cast<uint8_t>(head.timestamp >> (24 - 8 * k));
    for (int k = 0; k < 4; ++k) r[8 + k] = static_cast<uint8_t>(head.ssrc >> (24 - 8 * k));
    putLe32(r + 20, head.frameIndex);
    r[27] = head.multiFecBlocks;
    const uint8_t flags = r[24];
    const bool sane = (i != 0 || (flags & net::gs::flag::kSof)) &&
                      (i != d - 1 || (flags & net::gs::flag::kEof)) &&
                      (i == 0 || i == d - 1 || (flags & net::gs::flag::kPicData)) &&
                      (flags & ~0x7) == 0;
    if (!sane) {
      f.error = "recovered packet fails the flag checks";
      return false;
    }
    recovered_.push_back(std::move(scratch[i]));
    slots[i] = &recovered_.back();
    ++f.recovered;
  }
  return true;
}

VideoClient::Frame VideoClient::assemble(uint32_t frameIndex) {
  Frame f;
  std::map<int, std::vector<std::vector<uint8_t>*>> blocks;
  std::map<int, VideoPacket> firstOfBlock;
  int lastBlock = -1;
  for (auto& packet : packets_) {
    const VideoPacket v = parseVideo(packet.data());
    if (v.frameIndex != frameIndex) continue;
    if (lastBlock >= 0 && v.lastBlock() != lastBlock) {
      f.error = "lastBlock differs within a frame";
      return f;
    }
    lastBlock = v.lastBlock();
    const int d = v.dataShards();
    const int p = net::gs::clientParityFor(d, v.fecPct());
    auto& slots = blocks[v.block()];
    if (slots.empty()) {
      slots.assign(static_cast<size_t>(d + p), nullptr);
      firstOfBlock[v.block()] = v;
    }
    const VideoPacket& first = firstOfBlock[v.block()];
    if (first.fecInfo >> 22 != v.fecInfo >> 22 || first.fecPct() != v.fecPct()) {
      f.error = "fecInfo differs within a block";
      return f;
    }
    // RtpVideoQueue.c: bufferLowestSequenceNumber = seq - fecIndex; slot = seq - lowest.
    const uint16_t lowest = static_cast<uint16_t>(first.seq - first.shardIndex());
    const int slot = static_cast<uint16_t>(v.seq - lowest);
    if (slot >= d + p || slot != v.shardIndex()) {
      f.error = "packet outside its block";
      return f;
    }
    slots[slot] = &packet;
  }
  if (lastBlock < 0 || static_cast<int>(blocks.size()) != lastBlock + 1) {
    f.error = "missing block";
    return f;
  }
  std::vector<const uint8_t*> dataPackets;
  for (auto& [b, slots] : blocks) {
    const VideoPacket& first = firstOfBlock[b];
    const int d = first.dataShards();
    const int p = static_cast<int>(slots.size()) - d;
    const int have = static_cast<int>(
        std::count_if(slots.begin(), slots.end(), [](auto* s) { return s != nullptr; }));
    if (have < d) {
      f.error = "unrecoverable block";
      return f;
    }
    if (!recoverBlock(slots, d, p, f)) return f;
    for (int i = 0; i < d; ++i) dataPackets.push_back(slots[i]->data());
  }
  // VideoDepacketizer.c: contiguous streamPacketIndex, frame header on the first packet.
  const size_t shardPayload = static_cast<size_t>(packetSize_) - 16;
  uint32_t expectIndex = parseVideo(dataPackets[0]).streamPacketIndex >> 8;
  for (size_t i = 0; i < dataPackets.size(); ++i) {
    const VideoPacket v = parseVideo(dataPackets[i]);
    if ((v.streamPacketIndex >> 8) != ((expectIndex + i) & 0xffffff)) {
      f.error = "streamPacketIndex not contiguous";
      return f;
    }
  }
  const uint8_t* header = dataPackets[0] + 32;
  if (header[0] != 0x01) {
    f.error = "frame header type is not 0x01";
    return f;
  }
  f.latency = le16(header + 1);
  f.frameType = header[3];
  const size_t lastPayload = le16(header + 4);
  if (lastPayload == 0 || lastPayload > shardPayload) {
    f.error = "bad last payload length";
    return f;
  }
  for (size_t i = 0; i < dataPackets.size(); ++i) {
    const uint8_t* payload = dataPackets[i] + 32;
    const size_t n = i + 1 == dataPackets.size() ? lastPayload : shardPayload;
    const size_t skip = i == 0 ? net::gs::kFrameHeaderBytes : 0;
    if (n < skip) {
      f.error = "last payload shorter than the frame header";
      return f;
    }
    f.data.insert(f.data.end(), payload + skip, payload + n);
    if (i + 1 == dataPackets.size()) {
      for (size_t k = n; k < shardPayload; ++k) {
        if (payload[k] != 0) {
          f.error = "padding not zero";
          return f;
        }
      }
    }
  }
  f.ok = true;
  return f;
}

struct Packetized {
  std::vector<std::vector<uint8_t>> datagrams;
  net::GsPacketizeResult result;
};

Packetized packetizeFrame(net::GsVideoPacketizer& p, const std::vector<uint8_t>& frame,
                          const net::GsFrameMeta& meta) {
  Packetized out;
  out.result = p.packetize(frame.data(), frame.size(), meta);
  for (int i = 0; i < p.datagramCount(); ++i) {
    const uint8_t* d = p.datagrams() + i * p.datagramBytes();
    out.datagrams.emplace_back(d, d + p.datagramBytes());
  }
  return out;
}

std::vector<uint8_t> randomFrame(std::mt19937& rng, size_t bytes) {
  std::vector<uint8_t> v(bytes);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  if (bytes >= 5) v[0] = 0, v[1] = 0, v[2] = 0, v[3] = 1, v[4] = 0x41;  // a P slice
  return v;
}

// ---- video ----

void announcedFecMatchesClient() {
  bool exact = true, fits = true;
  for (int d = 1; d <= 254; ++d) {
    for (int wanted = 0; wanted <= 60; ++wanted) {
      const auto fec = net::gs::announcedFec(d, wanted);
      exact &= net::gs::clientParityFor(d, fec.fecPct) == fec.parityShards;
      fits &= d + fec.parityShards <= 255;
      // Up to 100 data shards every parity count the 8-bit percentage can
      // express (ceil(d * 255 / 100)) has a percentage of its own.
      if (d <= 100 && d + wanted <= 255 && wanted <= net::gs::clientParityFor(d, 255)) {
        exact &= fec.parityShards == wanted;
      }
    }
  }
  check(exact, "fec: the announced fecPct makes the client expect exactly the parity sent");
  check(fits, "fec: data + parity never exceeds 255 shards");
  const auto small = net::gs::announcedFec(3, 2);  // 20% of 3 is 1, the minimum asks 2
  check(small.parityShards == 2 && net::gs::clientParityFor(3, small.fecPct) == 2,
        "fec: minRequiredFecPackets raises the announced percentage (3 data, 2 parity)");
}

void headersFieldByField() {
  net::GsVideoOptions o;
  o.packetSize = 1024;
  o.fecPercent = 20;
  o.minRequiredFecPackets = 2;
  o.payloadType = 0;
  o.ssrc = 0x11223344;
  o.initialSequence = 65530;  // wraps inside the frame
  net::GsVideoPacketizer p(o);
  std::mt19937 rng(1);
  const auto frame = randomFrame(rng, 20000);
  net::GsFrameMeta meta;
  meta.frameIndex = 7;
  meta.frameType = 1;
  meta.hostLatencyUs = 2345;  // 23.45 ms → 23 (0.1 ms units, rounded)
  meta.rtpTimestamp = 90000;
  const auto out = packetizeFrame(p, frame, meta);
  const int d = static_cast<int>((frame.size() + 8 + 1007) / 1008);
  const int parity = std::max((d * 20 + 99) / 100, 2);
  check(out.result.packets == d + parity && out.result.parityPackets == parity &&
            out.result.blocks == 1,
        "video: 20000 bytes at packetSize 1024 → " + std::to_string(d) + " data + " +
            std::to_string(parity) + " parity in one block");
  bool sizes = true, rtp = true, nv = true, fecInfo = true, flags = true;
  for (int i = 0; i < out.result.packets; ++i) {
    const auto& dg = out.datagrams[i];
    sizes &= dg.size() == 1024 + 16;
    const VideoPacket v = parseVideo(dg.data());
    rtp &= v.rtpHeader == 0x90 && v.payloadType == 0 && v.seq == static_cast<uint16_t>(65530 + i) &&
           v.timestamp == 90000 && v.ssrc == 0x11223344 && v.extension == 0;
    nv &= v.frameIndex == 7 && v.multiFecBlocks == 0;
    fecInfo &= v.dataShards() == d && v.shardIndex() == i &&
               net::gs::clientParityFor(d, v.fecPct()) == parity;
    if (i < d) {
      nv &= v.streamPacketIndex == static_cast<uint32_t>(i) << 8 && v.extraFlags == 0 &&
            v.multiFecFlags == 0x10;
      flags &= v.flags == (0x1 | (i == 0 ? 0x4 : 0) | (i == d - 1 ? 0x2 : 0));
    }
  }
  check(sizes, "video: every datagram is exactly packetSize + 16 bytes");
  check(rtp,
        "video: RTP 0x90, pt, BE16 seq contiguous (wrapping), BE32 ts, BE32 ssrc, 4 zero bytes");
  check(nv, "video: LE streamPacketIndex = n << 8, frameIndex, multiFecFlags 0x10, 1 block");
  check(fecInfo, "video: fecInfo = data << 22 | shard << 12 | pct << 4 on data and parity");
  check(flags, "video: flags 0x5 first, 0x1 middle, 0x3 last");
  const uint8_t* fh = out.datagrams[0].data() + 32;
  const size_t lastLen = (frame.size() + 8) % 1008;
  check(fh[0] == 1 && le16(fh + 1) == 23 && fh[3] == 1 && le16(fh + 4) == lastLen && fh[6] == 0 &&
            fh[7] == 0,
        "video: frame header 0x01, latency 23 (0.1 ms), type 1, last payload " +
            std::to_string(lastLen));
  check(std::memcmp(fh + 8, frame.data(), 1008 - 8) == 0, "video: Annex B follows the header");
  check(p.nextSequence() == static_cast<uint16_t>(65530 + out.result.packets),
        "video: the sequence counter advances by the frame's packets");
  // The next frame continues streamPacketIndex.
  meta.frameIndex = 8;
  const auto next = packetizeFrame(p, randomFrame(rng, 500), meta);
  check(parseVideo(next.datagrams[0].data()).streamPacketIndex == static_cast<uint32_t>(d) << 8,
        "video: streamPacketIndex continues across frames");
  check(next.result.packets == 3 && le16(next.datagrams[0].data() + 36) == 508,
        "video: a one-packet frame gets the 2 minimum parity; last payload counts the header");
}

// The plaintext header of a datagram (decrypting with the test's key if needed).
VideoPacket headerOf(const std::vector<uint8_t>& dg, net::AesGcm* cipher) {
  if (!cipher) return parseVideo(dg.data());
  std::vector<uint8_t> plain(dg.size() - 32);
  cipher->open(dg.data(), nullptr, 0, dg.data() + 32, plain.size(), dg.data() + 16, plain.data());
  return parseVideo(plain.data());
}

// Drops `lossPerBlock` random shards of every block (data or parity alike),
// shuffles the rest and hands them to the client.
VideoClient::Frame deliver(VideoClient& client, const Packetized& out, uint32_t frameIndex,
                           int lossPerBlock, std::mt19937& rng,
                           const std::vector<uint8_t>& key = {}) {
  std::unique_ptr<net::AesGcm> cipher;
  if (!key.empty()) cipher = std::make_unique<net::AesGcm>(key.data(), key.size());
  std::map<int, std::vector<int>> byBlock;
  for (size_t i = 0; i < out.datagrams.size(); ++i) {
    byBlock[headerOf(out.datagrams[i], cipher.get()).block()].push_back(static_cast<int>(i));
  }
  std::vector<bool> drop(out.datagrams.size(), false);
  for (auto& [block, members] : byBlock) {
    std::shuffle(members.begin(), members.end(), rng);
    for (int k = 0; k < lossPerBlock && k < static_cast<int>(members.size()); ++k) {
      drop[members[k]] = true;
    }
  }
  std::vector<int> order(out.datagrams.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::shuffle(order.begin(), order.end(), rng);
  for (int i : order) {
    if (!drop[i]) client.push(out.datagrams[i].data(), out.datagrams[i].size());
  }
  VideoClient::Frame f = client.assemble(frameIndex);
  client.clear();
  return f;
}

}  // namespace

namespace {

void roundTripWithLoss(const std::vector<uint8_t>& key, const char* label) {
  net::GsVideoOptions o;
  o.packetSize = key.empty() ? 1392 : 1392 - 32;  // the client asks 32 less when encrypting
  o.fecPercent = 20;
  o.minRequiredFecPackets = 2;
  o.key = key;
  net::GsVideoPacketizer p(o);
  VideoClient client(o.packetSize, key);
  std::mt19937 rng(42);
  // 21 kB (720p at 10 Mb/s), 42 kB (1080p at 20 Mb/s), a 400 kB keyframe (2 blocks),
  // a 1.2 MB one (4 blocks, parity squeezed), and one-byte to one-packet edge cases.
  const std::vector<size_t> sizes = {21000, 42000, 400000, 1200000, 1, 1375, 1376, 1377, 2752};
  bool intact = true, recovered = true, multiBlock = false, fourBlocks = false, sized = true;
  uint32_t frameIndex = 1;
  for (size_t bytes : sizes) {
    const auto frame = randomFrame(rng, bytes);
    net::GsFrameMeta meta;
    meta.frameIndex = frameIndex;
    meta.frameType = 1;
    const auto out = packetizeFrame(p, frame, meta);
    for (const auto& dg : out.datagrams) {
      sized &= dg.size() == static_cast<size_t>(o.packetSize) + 16 + (key.empty() ? 0 : 32);
    }
    multiBlock |= out.result.blocks == 2;
    fourBlocks |= out.result.blocks == 4;
    const auto clean = deliver(client, out, frameIndex, 0, rng, key);
    intact &= clean.ok && clean.data == frame && clean.recovered == 0;
    if (!clean.ok) std::printf("     frame %zu: %s\n", bytes, clean.error.c_str());
    // Two losses per block: the minimum parity covers them, whatever they hit.
    meta.frameIndex = ++frameIndex;
    const auto again = packetizeFrame(p, frame, meta);
    const auto lossy = deliver(client, again, frameIndex, 2, rng, key);
    const bool squeezed = again.result.blocks == 4 && again.result.parityPackets < 8;
    if (!squeezed) {
      recovered &= lossy.ok && lossy.data == frame;
      if (!lossy.ok) std::printf("     lossy frame %zu: %s\n", bytes, lossy.error.c_str());
    }
    ++frameIndex;
  }
  check(sized, std::string(label) + ": every datagram has the advertised size");
  check(intact, std::string(label) + ": 9 frames (1 B .. 1.2 MB) reassemble byte for byte");
  check(recovered, std::string(label) + ": 2 lost packets per block are recovered (rs.c math)");
  check(multiBlock && fourBlocks, std::string(label) + ": large frames use 2 and 4 FEC blocks");

  // More loss than parity: the frame is reported lost, nothing breaks.
  net::GsFrameMeta meta;
  meta.frameIndex = ++frameIndex;
  const auto frame = randomFrame(rng, 21000);
  const auto out = packetizeFrame(p, frame, meta);
  const auto lost = deliver(client, out, frameIndex, out.result.parityPackets + 1, rng, key);
  check(!lost.ok, std::string(label) + ": more loss than parity is detected as unrecoverable");
}

void encryptedRejectsTampering() {
  const std::vector<uint8_t> key(16, 0x5a);
  net::GsVideoOptions o;
  o.packetSize = 1360;
  o.key = key;
  net::GsVideoPacketizer p(o);
  std::mt19937 rng(3);
  net::GsFrameMeta meta;
  meta.frameIndex = 9;
  auto out = packetizeFrame(p, randomFrame(rng, 5000), meta);
  const uint8_t* prefix = out.datagrams[1].data();
  check(le32(prefix + 12) == 9 && prefix[11] == 'V' && prefix[0] == 1,
        "encrypted: prefix = iv (packet counter, 'V') || LE32 frameNumber || tag");
  VideoClient client(o.packetSize, key);
  out.datagrams[0][40] ^= 1;
  check(!client.push(out.datagrams[0].data(), out.datagrams[0].size()),
        "encrypted: a flipped ciphertext bit fails authentication");
  VideoClient wrongKey(o.packetSize, std::vector<uint8_t>(16, 0x5b));
  check(!wrongKey.push(out.datagrams[1].data(), out.datagrams[1].size()),
        "encrypted: the wrong rikey fails authentication");
}

std::vector<uint8_t> nal(std::initializer_list<uint8_t> bytes, bool fourByteStart = true) {
  std::vector<uint8_t> v;
  if (fourByteStart) v.push_back(0);
  v.insert(v.end(), {0, 0, 1});
  v.insert(v.end(), bytes);
  return v;
}

void seiStrip() {
  const auto sps = nal({0x67, 0x42, 0xc0, 0x1f, 0x8c});
  const auto pps = nal({0x68, 0xce, 0x3c, 0x80});
  std::vector<uint8_t> seiBody = nal({0x06, 0x05, 0x1c, 0xdc, 0x45, 0xe9, 0xbd, 0xe6, 0xd9, 0x48,
                                      0xb7, 0x96, 0x2c, 0xd8, 0x20, 0xd9, 0x23, 0xee, 0xef},
                                     false);
  for (char c : std::string("x264 - core 164")) seiBody.push_back(static_cast<uint8_t>(c));
  seiBody.push_back(0x80);
  const std::vector<uint8_t> sei = seiBody;
  const auto idr = nal({0x65, 0x88, 0x84, 0x00, 0x33}, false);
  std::vector<uint8_t> frame;
  for (const auto* part : {&sps, &pps, &sei, &idr})
    frame.insert(frame.end(), part->begin(), part->end());
  std::vector<uint8_t> expected;
  for (const auto* part : {&sps, &pps, &idr})
    expected.insert(expected.end(), part->begin(), part->end());
  std::vector<uint8_t> out;
  check(net::gs::stripEncoderInfoSei(frame.data(), frame.size(), "h264", out) && out == expected,
        "sei: x264's version SEI is cut, SPS/PPS/IDR stay byte for byte");
  // Other SEI (e.g. recovery point, type 6 payload 6) and frames without one are left alone.
  std::vector<uint8_t> other = sps;
  const auto recovery = nal({0x06, 0x06, 0x01, 0xc4, 0x80});
  other.insert(other.end(), recovery.begin(), recovery.end());
  other.insert(other.end(), idr.begin(), idr.end());
  check(!net::gs::stripEncoderInfoSei(other.data(), other.size(), "h264", out),
        "sei: other SEI messages are kept");
  // A truncated SEI and garbage do not crash.
  const std::vector<uint8_t> garbage = {0, 0, 1, 0x06, 0xff, 0xff, 0, 0, 1};
  check(!net::gs::stripEncoderInfoSei(garbage.data(), garbage.size(), "h264", out),
        "sei: truncated SEI and empty NAL units are handled");

  net::GsVideoOptions o;
  o.packetSize = 1024;
  net::GsVideoPacketizer p(o);
  net::GsFrameMeta meta;
  meta.frameType = 2;
  const auto packed = packetizeFrame(p, frame, meta);
  check(packed.result.strippedBytes == frame.size() - expected.size() &&
            std::memcmp(packed.datagrams[0].data() + 40, sps.data(), sps.size()) == 0,
        "sei: an IDR's first packet starts with the SPS right after the frame header");
  meta.frameType = 1;
  check(p.packetize(frame.data(), frame.size(), meta).strippedBytes == 0,
        "sei: P frames are sent untouched");

  // AV1 keyframes go out as the encoder's OBUs, whatever their bytes look like.
  o.codec = "av1";
  net::GsVideoPacketizer av1(o);
  meta.frameType = 2;
  const auto av1Packed = packetizeFrame(av1, frame, meta);
  check(av1Packed.result.strippedBytes == 0 &&
            std::memcmp(av1Packed.datagrams[0].data() + 40, frame.data(), frame.size()) == 0,
        "sei: an AV1 keyframe is sent byte for byte");
}

void realEncoderFrames() {
  const media::EncoderOptions eo = testkit::smallSoftwareEncoder();
  media::Encoder encoder(eo);
  media::Capture capture(testkit::captureFor(eo, encoder));
  media::Decoder decoder("h264", 1);
  net::GsVideoOptions o;
  o.packetSize = 1392;
  net::GsVideoPacketizer p(o);
  VideoClient client(o.packetSize, {});
  std::mt19937 rng(11);
  int decodedInOrder = 0, idrs = 0, idrStartsWithSps = 0;
  size_t stripped = 0;
  uint32_t frameIndex = 1;
  for (int i = 0; i < 12; ++i) {
    capture.capture();
    encoder.submit(capture.frame(), i == 6);
    media::CollectResult r = encoder.collect();
    if (!r.packet) continue;
    net::GsFrameMeta meta;
    meta.frameIndex = frameIndex;
    meta.frameType = r.packet->keyframe ? 2 : 1;
    std::vector<uint8_t> bytes(r.packet->data(), r.packet->data() + r.packet->size());
    const auto out = packetizeFrame(p, bytes, meta);
    stripped += out.result.strippedBytes;
    const auto f = deliver(client, out, frameIndex, 1, rng);
    ++frameIndex;
    if (!f.ok) continue;
    if (f.frameType == 2) {
      ++idrs;
      const uint8_t spsStart[] = {0, 0, 0, 1, 0x67};
      if (f.data.size() > 5 && std::memcmp(f.data.data(), spsStart, 5) == 0) ++idrStartsWithSps;
    }
    for (const auto& d : decoder.decode(f.data.data(), f.data.size()).frames) {
      if (d.frameCounter && *d.frameCounter == static_cast<uint32_t>(decodedInOrder)) {
        ++decodedInOrder;
      }
    }
  }
  check(idrs == 2 && idrStartsWithSps == 2, "x264: both IDRs reach the client starting with SPS");
  check(stripped > 0, "x264: the version SEI (" + std::to_string(stripped) + " bytes) is stripped");
  check(decodedInOrder == 12,
        "x264: 12 frames through packetizer, 1 loss per block, FEC, reassembly and decoder");
}

void hostileOptionsThrow() {
  auto throwsInvalid = [](auto fn) {
    try {
      fn();
    } catch (const net::MediaError& e) {
      return e.code() == media::code::kInvalidArgument;
    }
    return false;
  };
  bool ok = true;
  ok &= throwsInvalid([] {
    net::GsVideoOptions o;
    o.packetSize = 10;
    net::GsVideoPacketizer p(o);
  });
  ok &= throwsInvalid([] {
    net::GsVideoOptions o;
    o.key = {1, 2, 3};
    net::GsVideoPacketizer p(o);
  });
  ok &= throwsInvalid([] {
    net::GsVideoOptions o;
    o.codec = "vp9";
    net::GsVideoPacketizer p(o);
  });
  ok &= throwsInvalid([] {
    net::GsVideoPacketizer p(net::GsVideoOptions{});
    std::vector<uint8_t> huge(p.maxFrameBytes() + 1);
    p.packetize(huge.data(), huge.size(), net::GsFrameMeta{});
  });
  ok &= throwsInvalid([] {
    net::GsVideoPacketizer p(net::GsVideoOptions{});
    p.packetize(nullptr, 0, net::GsFrameMeta{});
  });
  ok &= throwsInvalid([] {
    net::GsAudioOptions o;
    o.packetDurationMs = 7;
    net::GsAudioPacketizer p(o);
  });
  ok &= throwsInvalid([] {
    net::GsAudioPacketizer p(net::GsAudioOptions{});
    std::vector<uint8_t> big(2000);
    p.packetize(big.data(), big.size());
  });
  check(ok, "hostile: bad options, empty and oversized input throw INVALID_ARGUMENT");
  net::GsVideoPacketizer p(net::GsVideoOptions{});
  std::vector<uint8_t> max(p.maxFrameBytes(), 0xab);
  net::GsFrameMeta meta;
  const auto r = p.packetize(max.data(), max.size(), meta);
  check(r.blocks == 4 && r.packets - r.parityPackets == 1020,
        "hostile: the largest frame fills 4 blocks of 255 shards");
}

// ---- audio ----

double goertzelPower(const std::vector<float>& x, double hz, int rate) {
  const double w = 2 * M_PI * hz / rate, c = 2 * std::cos(w);
  double s1 = 0, s2 = 0;
  for (float v : x) {
    const double s = v + c * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

struct AudioRun {
  std::vector<std::vector<uint8_t>> data;  // data datagrams
  std::vector<std::vector<uint8_t>> fec;   // FEC datagrams
  std::vector<std::vector<uint8_t>> opus;  // the encoder's packets
};

AudioRun makeAudio(int packets, const std::vector<uint8_t>& key, uint32_t keyId) {
  media::OpusAudioEncoder encoder(media::OpusEncoderOptions{});
  media::ToneSource tone(440, 48000, 2);
  net::GsAudioOptions o;
  o.key = key;
  o.keyId = keyId;
  net::GsAudioPacketizer p(o);
  std::vector<int16_t> pcm(240 * 2);
  std::vector<uint8_t> buf(1400);
  AudioRun run;
  for (int i = 0; i < packets; ++i) {
    tone.fill(pcm.data(), 240);
    const size_t n = encoder.encode(pcm.data(), buf.data(), buf.size());
    run.opus.emplace_back(buf.begin(), buf.begin() + n);
    const auto d = p.packetize(buf.data(), n);
    run.data.emplace_back(d.data, d.data + d.dataBytes);
    for (int k = 0; k < d.fecCount; ++k) {
      run.fec.emplace_back(d.fec + k * d.fecBytes, d.fec + (k + 1) * d.fecBytes);
    }
  }
  return run;
}

std::vector<uint8_t> audioPayload(const std::vector<uint8_t>& dg, net::AesCbc* cipher,
                                  uint32_t keyId) {
  const uint8_t* body = dg.data() + 12;
  const size_t bytes = dg.size() - 12;
  if (!cipher) return std::vector<uint8_t>(body, body + bytes);
  std::vector<uint8_t> out(bytes);
  const auto iv = net::gs::audioIv(keyId, be16(dg.data() + 2));
  const long n = cipher->decrypt(iv.data(), body, bytes, out.data());
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

void audioToneRoundTrip(const std::vector<uint8_t>& key, const char* label) {
  const uint32_t keyId = 0x01020304;
  const AudioRun run = makeAudio(400, key, keyId);  // 2 s
  std::unique_ptr<net::AesCbc> cipher;
  if (!key.empty()) cipher = std::make_unique<net::AesCbc>(key.data(), key.size());
  bool headers = true, cbr = true;
  for (size_t i = 0; i < run.data.size(); ++i) {
    const auto& d = run.data[i];
    headers &= d[0] == 0x80 && d[1] == 97 && be16(d.data() + 2) == i &&
               be32(d.data() + 4) == i * 5 && be32(d.data() + 8) == 0;
    cbr &= run.opus[i].size() == run.opus[0].size();
  }
  check(headers, std::string(label) + ": RTP 0x80 pt 97, seq from 0, timestamp += 5 (ms), ssrc 0");
  check(cbr, std::string(label) + ": CBR Opus: every packet " + std::to_string(run.opus[0].size()) +
                 " bytes");
  bool fecHeaders = run.fec.size() == 200;
  for (size_t k = 0; k < run.fec.size() && fecHeaders; ++k) {
    const auto& f = run.fec[k];
    const uint16_t base = static_cast<uint16_t>((k / 2) * 4);
    fecHeaders &= f[0] == 0x80 && f[1] == 127 && f[12] == k % 2 && f[13] == 97 &&
                  be16(f.data() + 14) == base && be32(f.data() + 16) == base * 5u &&
                  be32(f.data() + 20) == 0 && f.size() == run.data[0].size() + 12;
  }
  check(fecHeaders, std::string(label) +
                        ": 2 FEC packets per 4: pt 127, {shard, 97, BE16 base, BE32 baseTs, ssrc}");

  int opusError = 0;
  OpusDecoder* dec = opus_decoder_create(48000, 2, &opusError);
  std::vector<float> left;
  bool decoded = opusError == OPUS_OK;
  for (const auto& d : run.data) {
    const auto payload = audioPayload(d, cipher.get(), keyId);
    float pcm[240 * 2];
    const int n = opus_decode_float(dec, payload.data(), static_cast<opus_int32>(payload.size()),
                                    pcm, 240, 0);
    decoded &= n == 240;
    for (int i = 0; i < std::max(n, 0); ++i) left.push_back(pcm[i * 2]);
  }
  opus_decoder_destroy(dec);
  check(decoded, std::string(label) + ": 400 packets decode back to 240 samples each");
  // Skip the codec's start-up; compare the tone bin with neighbours.
  const std::vector<float> steady(left.begin() + std::min<size_t>(4800, left.size()), left.end());
  const double at440 = goertzelPower(steady, 440, 48000);
  const double at1000 = goertzelPower(steady, 1000, 48000);
  const double at300 = goertzelPower(steady, 300, 48000);
  check(at440 > 100 * at1000 && at440 > 100 * at300,
        std::string(label) + ": the decoded tone is 440 Hz (Goertzel 440 vs 300/1000 Hz)");
}

void audioFecRecovery() {
  const std::vector<uint8_t> key(16, 0x33);
  const AudioRun run = makeAudio(8, key, 7);
  // rs.c encode with the fixed matrix, computed here independently.
  bool matrix = true;
  const size_t bytes = run.data[0].size() - 12;
  for (int j = 0; j < 2; ++j) {
    for (size_t k = 0; k < bytes; ++k) {
      uint8_t expect = 0;
      for (int i = 0; i < 4; ++i) {
        expect ^= net::gf::mul(net::gs::kAudioParityMatrix[j][i], run.data[i][12 + k]);
      }
      matrix &= run.fec[j][24 + k] == expect;
    }
  }
  check(matrix, "audio fec: parity = fixed matrix {77 40 38 0e / c7 a7 0d 6c} x payloads");
  // Every way to lose up to 2 of the 6 shards of block 1.
  int patterns = 0, recovered = 0;
  for (int a = 0; a < 6; ++a) {
    for (int b = a; b < 6; ++b) {
      std::vector<std::vector<uint8_t>> shards(6);
      bool present[6];
      for (int s = 0; s < 6; ++s) {
        const auto& dg = s < 4 ? run.data[4 + s] : run.fec[2 + (s - 4)];
        const size_t at = s < 4 ? 12 : 24;
        present[s] = s != a && s != b;
        shards[s] = present[s] ? std::vector<uint8_t>(dg.begin() + at, dg.end())
                               : std::vector<uint8_t>(bytes, 0xee);
      }
      uint8_t* ptrs[6];
      for (int s = 0; s < 6; ++s) ptrs[s] = shards[s].data();
      ++patterns;
      bool same = net::gs::recoverAudioBlock(ptrs, present, bytes);
      for (int s = 0; s < 4 && same; ++s) {
        same &= std::equal(shards[s].begin(), shards[s].end(), run.data[4 + s].begin() + 12);
      }
      if (same) ++recovered;
    }
  }
  check(recovered == patterns, "audio fec: all " + std::to_string(patterns) +
                                   " patterns of 1-2 lost shards recover the encrypted payloads");
  std::vector<uint8_t> s(bytes);
  uint8_t* ptrs[6] = {s.data(), s.data(), s.data(), s.data(), s.data(), s.data()};
  const bool present[6] = {false, false, false, true, true, true};
  check(!net::gs::recoverAudioBlock(ptrs, present, bytes), "audio fec: 3 lost shards are refused");
}

void cbcKnownAnswerAndRoundTrip() {
  // NIST SP 800-38A F.2.1 (AES-128-CBC), first block; PKCS#7 then adds a block.
  const uint8_t key[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                           0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
  uint8_t iv[16];
  for (int i = 0; i < 16; ++i) iv[i] = static_cast<uint8_t>(i);
  const uint8_t plain[16] = {0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
                             0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a};
  const uint8_t expect[16] = {0x76, 0x49, 0xab, 0xac, 0x81, 0x19, 0xb2, 0x46,
                              0xce, 0xe9, 0x8e, 0x9b, 0x12, 0xe9, 0x19, 0x7d};
  net::AesCbc cbc(key, 16);
  uint8_t out[32];
  const size_t n = cbc.encrypt(iv, plain, 16, out);
  check(n == 32 && std::memcmp(out, expect, 16) == 0,
        "cbc: NIST F.2.1 vector, PKCS#7 adds a block");
  uint8_t back[32];
  check(cbc.decrypt(iv, out, n, back) == 16 && std::memcmp(back, plain, 16) == 0,
        "cbc: decrypt strips the padding");
  out[31] ^= 0x55;
  check(cbc.decrypt(iv, out, n, back) < 0 || cbc.decrypt(iv, out, 17, back) < 0,
        "cbc: bad padding or length is refused without a crash");
  const auto ivA = net::gs::audioIv(0xfffffffe, 3);
  check(be32(ivA.data()) == 1 &&
            std::all_of(ivA.begin() + 4, ivA.end(), [](uint8_t b) { return b == 0; }),
        "cbc: audio IV = BE32(rikeyid + seq) (wrapping), then 12 zero bytes");
}

void opusDecoderRoundTrip() {
  const AudioRun run = makeAudio(100, {}, 0);
  media::OpusAudioDecoder decoder(media::OpusDecoderOptions{});
  std::vector<float> left;
  bool sizes = true;
  for (const auto& packet : run.opus) {
    const int n = decoder.decode(packet.data(), packet.size());
    sizes &= n == 240;
    for (int i = 0; i < n; ++i) left.push_back(decoder.pcm()[i * 2] / 32768.0f);
  }
  const std::vector<float> steady(left.begin() + 4800, left.end());
  check(sizes && goertzelPower(steady, 440, 48000) > 100 * goertzelPower(steady, 1000, 48000),
        "opus decoder: 240 samples a packet, the tone at 440 Hz");
  const uint8_t noFrames[2] = {0x03, 0x00};  // code 3 with a frame count of 0
  std::string message;
  try {
    decoder.decode(noFrames, sizeof(noFrames));
  } catch (const media::MediaError& e) {
    message = e.code() + std::string(" ") + e.what();
  }
  check(message == "DECODER_FAILED opus: opus_decode: corrupted stream",
        "opus decoder: a malformed packet is DECODER_FAILED with libopus's reason: " + message);
  bool invalid = false;
  try {
    decoder.decodeLost(100);
  } catch (const media::MediaError& e) {
    invalid = e.code() == media::code::kInvalidArgument;
  }
  check(invalid && decoder.decodeLost(240) == 240,
        "opus decoder: loss concealment in 2.5 ms steps only");
}

// ---- pings ----

const std::string kPayload = "0123456789ABCDEF";

std::vector<uint8_t> pingBytes(const std::string& payload, uint32_t counter) {
  std::vector<uint8_t> ping(payload.begin(), payload.end());
  for (int shift = 24; shift >= 0; shift -= 8)
    ping.push_back(static_cast<uint8_t>(counter >> shift));
  return ping;
}

bool ignored(const std::vector<uint8_t>& datagram, const std::string& payload) {
  return !net::gs::checkPing(datagram.data(), datagram.size(), payload).valid;
}

void pingParsing() {
  const auto ping = pingBytes(kPayload, 0x01020304);
  const auto c = net::gs::checkPing(ping.data(), ping.size(), kPayload);
  check(c.valid && c.hasCounter && c.counter == 0x01020304,
        "ping: 16 payload characters + BE32 counter is valid; the counter is big-endian");
  std::vector<uint8_t> longer = ping;
  longer.push_back(0);
  const std::vector<uint8_t> legacy = {'P', 'I', 'N', 'G'};
  check(ignored(std::vector<uint8_t>(ping.begin(), ping.end() - 1), kPayload) &&
            ignored(longer, kPayload) && ignored(pingBytes("FEDCBA9876543210", 1), kPayload) &&
            ignored(legacy, kPayload) && ignored({}, kPayload),
        "ping: truncated, oversized, another session's payload, legacy PING, empty: ignored");
  const auto old = net::gs::checkPing(legacy.data(), legacy.size(), "");
  check(old.valid && !old.hasCounter && ignored(ping, "") && ignored({'P', 'I', 'N', 'g'}, ""),
        "ping: without a payload only the exact 4 bytes PING count, with no counter");
  auto rejects = [](const std::string& payload) {
    try {
      net::gs::validatePingPayload(payload);
    } catch (const media::MediaError& e) {
      return e.code() == media::code::kInvalidArgument;
    }
    return false;
  };
  check(rejects("0123456789ABCDE") && rejects(kPayload + "0") && rejects("0123456789ABCDE\n") &&
            !rejects("") && !rejects(kPayload),
        "ping: the payload option is \"\" or 16 printable ASCII characters");
}

// A client socket pings a sender bound to 127.0.0.1; pollPings() reports them.
void pingsOverLoopback() {
  net::UdpSenderOptions o;
  o.localHost = "127.0.0.1";
  net::UdpSender sender(o);
  const int client = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(static_cast<uint16_t>(sender.localPort()));
  const std::vector<std::vector<uint8_t>> datagrams = {
      pingBytes(kPayload, 1), std::vector<uint8_t>(3000, 0x41), pingBytes(kPayload, 2), {}};
  for (const auto& d : datagrams) {
    sendto(client, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
  }
  sockaddr_in self{};
  socklen_t length = sizeof(self);
  getsockname(client, reinterpret_cast<sockaddr*>(&self), &length);
  int pings = 0, ignoredCount = 0;
  net::gs::PingPoll newest;  // the last poll that read a ping
  for (int spins = 0; spins < 1000 && pings + ignoredCount < 4; ++spins) {
    const net::gs::PingPoll r = net::gs::pollPings(sender, kPayload);
    pings += r.pings;
    ignoredCount += r.ignored;
    if (r.pings > 0) newest = r;
    usleep(1000);
  }
  close(client);
  check(
      pings == 2 && ignoredCount == 2 && newest.remoteHost == "127.0.0.1" &&
          newest.remotePort == ntohs(self.sin_port) && newest.hasCounter && newest.lastCounter == 2,
      "pings over loopback: 2 pings, an oversized and an empty datagram ignored, source reported");
}

// Without a sound server, kAuto falls back to the tone with PulseAudio's
// reason and kPulse refuses; the ring-fed path needs a server (vitest runs it).
void audioSourceWithoutServer() {
  setenv("PULSE_SERVER", "unix:/nonexistent/punktfunk-gs-test", 1);
  net::GsAudioSenderOptions o;
  o.source = net::GsAudioSource::kAuto;
  net::GsAudioSender fallback(o);
  check(std::string(fallback.audioSource()) == "tone" &&
            fallback.fallbackReason().rfind("PulseAudio: ", 0) == 0,
        "audio source auto: falls back to the tone, with PulseAudio's reason");
  o.source = net::GsAudioSource::kPulse;
  std::string code;
  try {
    net::GsAudioSender pulse(o);
  } catch (const media::MediaError& e) {
    code = e.code();
  }
  check(code == media::code::kAudioSourceUnavailable,
        "audio source pulse: AUDIO_SOURCE_UNAVAILABLE without a server");
}

}  // namespace

int main() {
  announcedFecMatchesClient();
  headersFieldByField();
  roundTripWithLoss({}, "video");
  roundTripWithLoss(std::vector<uint8_t>(16, 0xa7), "video encrypted");
  encryptedRejectsTampering();
  seiStrip();
  realEncoderFrames();
  hostileOptionsThrow();
  audioToneRoundTrip({}, "audio");
  audioToneRoundTrip(std::vector<uint8_t>(16, 0x42), "audio encrypted");
  audioFecRecovery();
  cbcKnownAnswerAndRoundTrip();
  opusDecoderRoundTrip();
  pingParsing();
  pingsOverLoopback();
  audioSourceWithoutServer();
  return testkit::finish();
}
