// Plain C++ checks of the network engine, without Node: GF(2^8) kernels
// against a bit-by-bit reference, the Reed-Solomon matrix against rs.c's
// construction, AES-GCM against NIST vectors, packetizer → reassembler with
// loss, hostile input, and real UDP over loopback (including a sender bound
// first and connected later, as GameStream's senders are).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "net/aes_gcm.h"
#include "net/endpoint.h"
#include "net/gf256.h"
#include "net/media_receiver.h"
#include "net/media_sender.h"
#include "net/net_error.h"
#include "net/pf1_packetizer.h"
#include "net/pf1_reassembler.h"
#include "net/reed_solomon.h"
#include "net/udp_sender.h"

namespace {

using testkit::check;

// Reference GF(2^8) arithmetic, shift and add with 0x11d, nothing shared
// with the code under test.
uint8_t refMul(uint8_t a, uint8_t b) {
  unsigned product = 0, x = a;
  for (int bit = 0; bit < 8; ++bit) {
    if (b & (1 << bit)) product ^= x;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  return static_cast<uint8_t>(product);
}

uint8_t refInverse(uint8_t a) {
  for (int y = 1; y < 256; ++y) {
    if (refMul(a, static_cast<uint8_t>(y)) == 1) return static_cast<uint8_t>(y);
  }
  return 0;  // rs.c's table also maps 0 to 0
}

std::vector<uint8_t> randomBytes(std::mt19937& rng, size_t n) {
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

std::vector<net::gf::Kernel> supportedKernels() {
  std::vector<net::gf::Kernel> kernels{net::gf::Kernel::kScalar};
  if (__builtin_cpu_supports("ssse3")) kernels.push_back(net::gf::Kernel::kSsse3);
  if (__builtin_cpu_supports("avx2")) kernels.push_back(net::gf::Kernel::kAvx2);
  return kernels;
}

void fieldMatchesReference() {
  bool mulOk = true, inverseOk = true;
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      mulOk &= net::gf::mul(a, b) == refMul(a, b);
    }
    inverseOk &= net::gf::inverse(a) == refInverse(a);
  }
  check(mulOk, "gf: all 65536 products match the bitwise 0x11d reference");
  check(inverseOk && net::gf::inverse(2) == 0x8e && net::gf::inverse(3) == 0xf4,
        "gf: inverses match (2^-1 = 0x8e, 3^-1 = 0xf4)");
}

void kernelsMatchReference() {
  std::mt19937 rng(7);
  for (net::gf::Kernel kernel : supportedKernels()) {
    bool ok = true;
    for (size_t bytes : {0, 1, 15, 16, 17, 31, 32, 33, 100, 1200, 1237}) {
      const auto src = randomBytes(rng, bytes);
      for (int c : {0, 1, 2, 0x1d, 0x8e, 0xff, static_cast<int>(rng() & 0xff)}) {
        auto dst = randomBytes(rng, bytes);
        auto expectAdd = dst;
        std::vector<uint8_t> expectMul(bytes);
        for (size_t i = 0; i < bytes; ++i) {
          expectMul[i] = refMul(c, src[i]);
          expectAdd[i] ^= expectMul[i];
        }
        auto mulOut = dst;
        net::gf::mulRegion(mulOut.data(), src.data(), c, bytes, kernel);
        net::gf::mulAddRegion(dst.data(), src.data(), c, bytes, kernel);
        ok &= mulOut == expectMul && dst == expectAdd;
      }
    }
    check(ok, std::string("gf: ") + net::gf::kernelName(kernel) +
                  " region kernels match the reference at odd lengths");
  }
}

// rs.c builds parity row j, data column i as inverse[(parityShards + i) ^ j].
void matrixMatchesMoonlight() {
  bool ok = true;
  for (auto [d, p] : {std::pair{1, 1}, {4, 2}, {10, 3}, {128, 26}, {200, 55}, {1, 254}}) {
    net::ReedSolomon rs(d, p);
    for (int j = 0; j < p; ++j) {
      for (int i = 0; i < d; ++i) ok &= rs.parityCoefficient(j, i) == refInverse((p + i) ^ j);
    }
  }
  check(ok, "rs: parity matrix is moonlight-common-c's inverse[(parity + i) ^ j]");

  // Known answer for a tiny code, computed with the reference arithmetic.
  std::mt19937 rng(3);
  const int d = 3, p = 2;
  const size_t n = 37;
  std::vector<std::vector<uint8_t>> data{randomBytes(rng, n), randomBytes(rng, n),
                                         randomBytes(rng, n)};
  std::vector<std::vector<uint8_t>> parity(p, std::vector<uint8_t>(n));
  const uint8_t* in[] = {data[0].data(), data[1].data(), data[2].data()};
  uint8_t* out[] = {parity[0].data(), parity[1].data()};
  net::ReedSolomon(d, p).encode(in, out, n);
  bool encodeOk = true;
  for (int j = 0; j < p; ++j) {
    for (size_t b = 0; b < n; ++b) {
      uint8_t expect = 0;
      for (int i = 0; i < d; ++i) expect ^= refMul(refInverse((p + i) ^ j), data[i][b]);
      encodeOk &= parity[j][b] == expect;
    }
  }
  check(encodeOk, "rs: 3+2 parity equals the reference dot products");
  bool threw = false;
  try {
    net::ReedSolomon(200, 56);
  } catch (const media::MediaError& e) {
    threw = e.code() == "INVALID_ARGUMENT";
  }
  check(threw, "rs: more than 255 shards is INVALID_ARGUMENT");
}

void recoversAnyErasures() {
  std::mt19937 rng(11);
  for (net::gf::Kernel kernel : supportedKernels()) {
    bool ok = true;
    bool refusedTooFew = true;
    for (int trial = 0; trial < 60; ++trial) {
      const int d = 1 + static_cast<int>(rng() % 128);
      const int p = 1 + static_cast<int>(rng() % 30);
      const size_t n = 64 + rng() % 1200;
      net::ReedSolomon rs(d, p, kernel);
      std::vector<std::vector<uint8_t>> shards;
      for (int s = 0; s < d + p; ++s) shards.push_back(randomBytes(rng, n));
      std::vector<const uint8_t*> in;
      std::vector<uint8_t*> ptrs;
      for (auto& s : shards) ptrs.push_back(s.data());
      for (int i = 0; i < d; ++i) in.push_back(shards[i].data());
      rs.encode(in.data(), ptrs.data() + d, n);
      const auto original = shards;
      std::vector<int> order(d + p);
      for (int s = 0; s < d + p; ++s) order[s] = s;
      std::shuffle(order.begin(), order.end(), rng);
      const int erased = 1 + static_cast<int>(rng() % p);
      bool present[255];
      std::fill(present, present + d + p, true);
      for (int e = 0; e < erased; ++e) {
        present[order[e]] = false;
        std::fill(shards[order[e]].begin(), shards[order[e]].end(), 0xAA);
      }
      ok &= rs.reconstruct(ptrs.data(), present, n);
      for (int i = 0; i < d; ++i) ok &= shards[i] == original[i];
      // One erasure more than the parity count cannot be recovered.
      for (int e = 0; e <= p && e < d + p; ++e) present[order[e]] = false;
      if (p + 1 <= d) refusedTooFew &= !rs.reconstruct(ptrs.data(), present, n);
    }
    check(ok, std::string("rs: any <= parity erasures recovered exactly (") +
                  net::gf::kernelName(kernel) + ", 60 random codes)");
    check(refusedTooFew,
          std::string("rs: parity + 1 erasures refused (") + net::gf::kernelName(kernel) + ")");
  }
}

std::vector<uint8_t> hex(const char* s) {
  std::vector<uint8_t> out;
  for (size_t i = 0; s[i] && s[i + 1]; i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(s + i, 2), nullptr, 16)));
  }
  return out;
}

void aesGcmKnownAnswers() {
  // NIST GCM spec test cases 2 (AES-128) and 14 (AES-256): zero key, zero
  // IV, 16 zero bytes of plaintext, no AAD.
  struct Case {
    size_t keyBytes;
    const char* cipher;
    const char* tag;
  } cases[] = {{16, "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"},
               {32, "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"}};
  for (const Case& c : cases) {
    std::vector<uint8_t> key(c.keyBytes, 0), nonce(12, 0), plain(16, 0), out(16), tag(16);
    net::AesGcm gcm(key.data(), key.size());
    gcm.seal(nonce.data(), nullptr, 0, plain.data(), plain.size(), out.data(), tag.data());
    check(out == hex(c.cipher) && tag == hex(c.tag),
          "aes-gcm: NIST vector, " + std::to_string(c.keyBytes * 8) + "-bit key");
    std::vector<uint8_t> back(16);
    check(gcm.open(nonce.data(), nullptr, 0, out.data(), 16, tag.data(), back.data()) &&
              back == plain,
          "aes-gcm: opens its own output");
    out[3] ^= 1;
    check(!gcm.open(nonce.data(), nullptr, 0, out.data(), 16, tag.data(), back.data()),
          "aes-gcm: a flipped ciphertext bit fails the tag");
  }
  bool threw = false;
  try {
    std::vector<uint8_t> key(24);
    net::AesGcm gcm(key.data(), key.size());
  } catch (const media::MediaError& e) {
    threw = e.code() == "INVALID_ARGUMENT";
  }
  check(threw, "aes-gcm: a 24-byte key is INVALID_ARGUMENT");
}

net::PacketizerOptions packetizerOptions(int fecPercent) {
  net::PacketizerOptions o;
  o.key.assign(16, 0x42);
  o.salt = {1, 2, 3, 4};
  o.shardBytes = 1200;
  o.fecPercent = fecPercent;
  return o;
}

net::ReassemblerOptions reassemblerOptions(double dropRate = 0) {
  net::ReassemblerOptions o;
  o.key.assign(16, 0x42);
  o.salt = {1, 2, 3, 4};
  o.dropRate = dropRate;
  o.dropSeed = 5;
  return o;
}

void pushAll(const net::Pf1Packetizer& p, net::Pf1Reassembler& r) {
  for (int i = 0; i < p.datagramCount(); ++i) {
    r.push(p.datagrams() + i * p.datagramBytes(), p.datagramBytes());
  }
}

void headerLayout() {
  net::Pf1Packetizer p(packetizerOptions(20));
  std::vector<uint8_t> frame(3000, 7);
  net::FrameMeta meta{0x01020304, true, 0x0000001122334455};
  const auto r = p.packetize(frame.data(), frame.size(), meta);
  const uint8_t* d = p.datagrams();
  // 3 data shards, ceil(3 * 0.2) = 1 parity.
  check(r.packets == 4 && r.parityPackets == 1 && p.datagramBytes() == 1248 &&
            r.wireBytes == 4 * 1248,
        "packet: 3000 bytes at 20 % = 3 data + 1 parity datagrams of 1248 bytes");
  const uint8_t expect[32] = {1, 5, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4,    0,    0,    0x0b, 0xb8,
                              0, 1, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x55};
  check(std::memcmp(d, expect, 32) == 0,
        "packet: first header is byte-exact big-endian (keyframe|last block)");
  const uint8_t* parity = d + 3 * p.datagramBytes();
  check(parity[1] == (1 | 2 | 4) && parity[7] == 3 && parity[20] == 3,
        "packet: parity datagram has keyframe|parity|last flags, sequence 3, shard 3");
  p.packetize(frame.data(), frame.size(), meta);
  check(d[7] == 4, "packet: sequence numbers continue across frames");
}

void roundTripWithoutLoss() {
  std::mt19937 rng(1);
  net::Pf1Packetizer p(packetizerOptions(20));
  net::Pf1Reassembler r(reassemblerOptions());
  // 1 byte, one shard exactly, one shard and a byte, and frames over one
  // 128-shard block (153600 bytes).
  const std::vector<size_t> sizes{1, 1200, 1201, 40000, 153601, 400000, 777};
  std::vector<std::vector<uint8_t>> sent;
  for (size_t i = 0; i < sizes.size(); ++i) {
    sent.push_back(randomBytes(rng, sizes[i]));
    p.packetize(sent.back().data(), sizes[i], {static_cast<uint32_t>(100 + i), i == 0, 5});
    pushAll(p, r);
  }
  std::vector<net::CompletedFrame> got;
  r.takeCompleted(got);
  bool ok = got.size() == sizes.size();
  for (size_t i = 0; ok && i < got.size(); ++i) {
    ok = got[i].data == sent[i] && got[i].frameIndex == 100 + i && got[i].keyframe == (i == 0) &&
         got[i].captureStartUs == 5 && !got[i].recoveredByFec;
  }
  check(ok, "round trip: 7 frames (1 B .. 400 kB, multi-block) byte-exact, in order");
  check(r.counters().framesLost == 0 && r.counters().authFailures == 0,
        "round trip: nothing lost, no auth failures");
}

void fecRecoversInjectedLoss() {
  std::mt19937 rng(2);
  net::Pf1Packetizer p(packetizerOptions(20));
  net::Pf1Reassembler r(reassemblerOptions(0.05));
  const int frames = 300;
  std::vector<std::vector<uint8_t>> sent;
  for (int i = 0; i < frames; ++i) {
    sent.push_back(randomBytes(rng, 20000 + rng() % 60000));
    p.packetize(sent.back().data(), sent.back().size(), {static_cast<uint32_t>(i), false, i});
    pushAll(p, r);
  }
  std::vector<net::CompletedFrame> got;
  r.takeCompleted(got);
  bool exact = true;
  for (const auto& f : got) exact &= f.data == sent[f.frameIndex];
  const auto& c = r.counters();
  std::printf("     fec: %zu of %d frames, %llu recovered by FEC, %llu lost, %llu dropped\n",
              got.size(), frames, static_cast<unsigned long long>(c.fecRecoveredFrames),
              static_cast<unsigned long long>(c.framesLost),
              static_cast<unsigned long long>(c.dropped));
  check(exact && c.fecRecoveredFrames > 100 && got.size() >= frames * 0.95,
        "fec: 5 % injected loss at 20 % FEC: >= 95 % of frames, recovered byte-exact");
  check(c.framesCompleted + c.framesLost + 1 >= static_cast<uint64_t>(frames) &&
            c.framesCompleted == got.size(),
        "fec: every frame is either completed or counted lost");
}

void lateFramesAreGivenUp() {
  net::Pf1Packetizer p(packetizerOptions(0));
  net::Pf1Reassembler r(reassemblerOptions());
  std::vector<uint8_t> frame(5000, 1);
  p.packetize(frame.data(), frame.size(), {10, true, 0});
  std::vector<uint8_t> held(p.datagrams(), p.datagrams() + p.datagramCount() * p.datagramBytes());
  const size_t bytes = p.datagramBytes();
  r.push(held.data(), bytes);  // frame 10 starts, incomplete
  p.packetize(frame.data(), frame.size(), {11, false, 0});
  pushAll(p, r);  // frame 11 completes first
  for (size_t i = 1; i < held.size() / bytes; ++i) r.push(held.data() + i * bytes, bytes);
  std::vector<net::CompletedFrame> got;
  r.takeCompleted(got);
  check(got.size() == 1 && got[0].frameIndex == 11 && r.counters().framesLost == 1 &&
            r.counters().late == held.size() / bytes - 1,
        "order: a frame completing first gives up the one before it (lost, rest late)");
  r.push(held.data(), bytes);
  check(r.counters().late == held.size() / bytes, "order: a replayed datagram counts as late");
}

void hostileInputCounted() {
  std::mt19937 rng(9);
  net::Pf1Packetizer p(packetizerOptions(20));
  std::vector<uint8_t> frame = randomBytes(rng, 30000);
  p.packetize(frame.data(), frame.size(), {1, false, 0});
  net::ReassemblerOptions wrong = reassemblerOptions();
  wrong.key.assign(16, 0x43);
  net::Pf1Reassembler wrongKey(wrong);
  pushAll(p, wrongKey);
  std::vector<net::CompletedFrame> got;
  wrongKey.takeCompleted(got);
  check(got.empty() && wrongKey.counters().authFailures == static_cast<uint64_t>(p.datagramCount()),
        "hostile: a wrong key fails every tag, no frame");

  net::Pf1Reassembler r(reassemblerOptions());
  for (size_t bytes : {0, 1, 31, 32, 48, 303, 1247, 1249, 1449, 4000}) {
    auto junk = randomBytes(rng, bytes);
    r.push(junk.data(), bytes);
  }
  for (int i = 0; i < 2000; ++i) {  // valid datagrams with random bits flipped
    std::vector<uint8_t> d(p.datagrams() + (i % p.datagramCount()) * p.datagramBytes(),
                           p.datagrams() + (i % p.datagramCount() + 1) * p.datagramBytes());
    d[rng() % d.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    r.push(d.data(), rng() % 4 == 0 ? rng() % d.size() : d.size());
  }
  const auto& c = r.counters();
  check(c.framesCompleted == 0 && c.malformed + c.authFailures == c.datagrams,
        "hostile: garbage, truncated and bit-flipped datagrams are all counted, no frame");

  // A key holder writing nonsense headers: authenticated, then rejected.
  net::AesGcm gcm(std::vector<uint8_t>(16, 0x42).data(), 16);
  net::Pf1Reassembler strict(reassemblerOptions());
  std::vector<uint8_t> d(1248);
  for (uint32_t seq = 0; seq < 5000; ++seq) {
    for (size_t i = 0; i < 32; ++i) d[i] = static_cast<uint8_t>(rng());
    d[0] = 1;
    d[2] = d[3] = d[21] = d[22] = d[23] = 0;
    d[4] = d[5] = d[6] = 0;
    d[7] = static_cast<uint8_t>(seq);
    if (seq % 2) d[12] = d[13] = 0;  // plausible sizes half the time
    const auto nonce = net::pf1::nonceFor({1, 2, 3, 4}, net::pf1::readSequence(d.data()));
    gcm.seal(nonce.data(), d.data(), 32, d.data() + 32, 1200, d.data() + 32, d.data() + 1232);
    strict.push(d.data(), d.size());
  }
  check(strict.counters().authFailures == 0, "hostile: forged headers with the right key survive");
}

void udpLoopback(const char* host) {
  net::MediaReceiverOptions ro;
  ro.udp.localAddress = host;
  ro.reassembly = reassemblerOptions();
  net::MediaReceiver receiver(ro);
  net::MediaSenderOptions so;
  so.packetizer = packetizerOptions(20);
  so.udp.remoteHost = host;
  so.udp.remotePort = receiver.localPort();
  so.udp.spreadUs = 2000;
  so.udp.burstPackets = 16;
  net::MediaSender sender(so);
  std::mt19937 rng(4);
  std::vector<std::vector<uint8_t>> sent;
  std::vector<net::CompletedFrame> got;
  bool reportsOk = true;
  for (uint32_t i = 0; i < 30; ++i) {
    sent.push_back(randomBytes(rng, 1000 + rng() % 90000));
    const auto r = sender.sendFrame(sent.back().data(), sent.back().size(), {i, i == 0, 0});
    reportsOk &= r.packets > 0 && r.lastPacketMonoUs > 0 && r.unsent == 0 && r.sendUs >= 0;
    for (auto& f : receiver.poll(0)) got.push_back(std::move(f));
  }
  for (int spins = 0; got.size() < sent.size() && spins < 50; ++spins) {
    for (auto& f : receiver.poll(20)) got.push_back(std::move(f));
  }
  bool exact = got.size() == sent.size();
  for (size_t i = 0; exact && i < got.size(); ++i) exact = got[i].data == sent[i];
  check(reportsOk, std::string("udp ") + host + ": every frame handed to the kernel, reported");
  check(exact, std::string("udp ") + host + ": 30 paced frames received byte-exact, in order");
}

// ---- a sender bound before it knows its remote ----

// Runs fn; the engine error code it threw, or "" if none.
template <typename Fn>
std::string errorCode(Fn fn, std::string* message = nullptr) {
  try {
    fn();
  } catch (const net::MediaError& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return "";
}

// A plain IPv4 socket on 127.0.0.1 standing in for a client.
struct LoopbackPeer {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  int port = 0;
  LoopbackPeer() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t n = sizeof(a);
    bind(fd, reinterpret_cast<sockaddr*>(&a), n);
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
    port = ntohs(a.sin_port);
  }
  ~LoopbackPeer() { close(fd); }
  // Waits up to 1 s for a datagram; its length (-1 if none) and source port.
  int receive(int& fromPort) {
    uint8_t buffer[2048];
    for (int spins = 0; spins < 1000; ++spins) {
      sockaddr_in from{};
      socklen_t n = sizeof(from);
      const ssize_t rc =
          recvfrom(fd, buffer, sizeof(buffer), 0, reinterpret_cast<sockaddr*>(&from), &n);
      if (rc >= 0) {
        fromPort = ntohs(from.sin_port);
        return static_cast<int>(rc);
      }
      usleep(1000);
    }
    return -1;
  }
};

void udpSenderBindsThenConnects() {
  net::UdpSenderOptions o;
  o.localHost = "127.0.0.1";
  net::UdpSender sender(o);
  const uint8_t datagram[100] = {};
  std::string message;
  check(!sender.connected() && sender.localPort() != 0 &&
            errorCode([&] { sender.send(datagram, sizeof(datagram), 1); }, &message) ==
                net::code::kNotConnected &&
            message.find("has not pinged yet") != std::string::npos,
        "udp sender: bound without a remote, a send is NOT_CONNECTED (not a crash, not "
        "EDESTADDRREQ)");

  net::UdpSenderOptions same = o;
  same.localPort = sender.localPort();
  const std::string inUse = errorCode([&] { net::UdpSender second(same); }, &message);
  check(inUse == net::code::kBindFailed &&
            message == "127.0.0.1:" + std::to_string(same.localPort) + " is in use",
        "udp sender: a port in use is BIND_FAILED '127.0.0.1:<port> is in use': " + message);

  LoopbackPeer a, b;
  int fromPort = 0;
  sender.connectTo("127.0.0.1", a.port);
  sender.send(datagram, sizeof(datagram), 1);
  const bool toA = a.receive(fromPort) == 100 && fromPort == sender.localPort();
  sender.connectTo("127.0.0.1", b.port);
  sender.send(datagram, sizeof(datagram), 1);
  const bool toB = b.receive(fromPort) == 100 && fromPort == sender.localPort();
  check(sender.connected() && toA && toB,
        "udp sender: connectTo sends from the bound port; a second connectTo moves the stream");

  check(
      errorCode([&] { sender.connectTo("::1", 9); }) == media::code::kInvalidArgument &&
          errorCode([&] { sender.connectTo("127.0.0.1", 0); }) == media::code::kInvalidArgument &&
          errorCode([&] { sender.connectTo("host.example", 9); }) == media::code::kInvalidArgument,
      "udp sender: IPv6 on an IPv4 socket, port 0, a name: INVALID_ARGUMENT");
}

void endpointConversions() {
  const net::SocketAddress mapped = net::numericAddress("::ffff:10.1.2.3", 48000);
  const net::SocketAddress v4 = net::inFamily(mapped, AF_INET);
  const net::SocketAddress back = net::inFamily(v4, AF_INET6);
  check(net::hostText(mapped) == "10.1.2.3" && v4.family() == AF_INET &&
            net::endpointText(v4) == "10.1.2.3:48000" && back.family() == AF_INET6 &&
            net::portOf(back) == 48000 && net::hostText(back) == "10.1.2.3",
        "endpoint: IPv4-mapped <-> IPv4, shown as plain IPv4");
  check(net::endpointText(net::numericAddress("::1", 47998)) == "[::1]:47998",
        "endpoint: IPv6 is written [::1]:47998");
}

}  // namespace

int main() {
  fieldMatchesReference();
  kernelsMatchReference();
  matrixMatchesMoonlight();
  recoversAnyErasures();
  aesGcmKnownAnswers();
  headerLayout();
  roundTripWithoutLoss();
  fecRecoversInjectedLoss();
  lateFramesAreGivenUp();
  hostileInputCounted();
  udpLoopback("127.0.0.1");
  udpLoopback("::1");
  udpSenderBindsThenConnects();
  endpointConversions();
  return testkit::finish();
}
