#pragma once
// Sends one frame's datagrams on a connect()ed non-blocking UDP socket with
// sendmmsg, paced: the frame is spread over spreadUs in bursts of at most
// burstPackets, so a large keyframe does not overflow a switch queue or the
// receiver's socket buffer in one line-rate burst.
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "net/socket_address.h"

namespace net {

struct UdpSenderOptions {
  std::string remoteHost;  // numeric IPv4 or IPv6
  int remotePort = 0;
  int spreadUs = 4000;  // 0: no pacing, everything at once
  int burstPackets = 64;
  int sendBufferBytes = 4 << 20;
};

struct SendResult {
  int64_t socketUs = 0;  // time inside sendmmsg (and waits for buffer space)
  int refused = 0;       // refusals by the kernel, each retried
  int unsent = 0;        // datagrams dropped after the retries ran out
  int64_t lastPacketMonoUs = 0;
};

class UdpSender {
 public:
  static constexpr int kBatchPackets = 64;
  // Refusals of one datagram before it is dropped: enough to ride out a full
  // buffer or one stale ICMP error, few enough not to stall the frame.
  static constexpr int kMaxAttempts = 4;

  explicit UdpSender(const UdpSenderOptions& options);

  // Sends `count` datagrams of datagramBytes each, stored back to back.
  SendResult send(const uint8_t* datagrams, size_t datagramBytes, int count);

  void setSpreadUs(int spreadUs) { spreadUs_ = spreadUs; }
  int localPort() const { return boundPort(socket_.get()); }

 private:
  void sendBurst(const uint8_t* datagrams, size_t datagramBytes, int count, SendResult& result);
  int sendBatch(int count, SendResult& result);

  FileDescriptor socket_;
  int spreadUs_;
  int burstPackets_;
  std::array<mmsghdr, kBatchPackets> messages_{};
  std::array<iovec, kBatchPackets> vectors_{};
};

// Sleeps until the steady clock reads targetUs: the kernel sleep for most of
// it, then a short spin, because timer slack makes a plain sleep late by
// ~50 µs, which is most of a burst gap at high frame rates.
void sleepUntilUs(int64_t targetUs);

}  // namespace net
