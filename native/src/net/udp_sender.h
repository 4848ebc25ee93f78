#pragma once
// Sends one frame's datagrams on a connect()ed non-blocking UDP socket with
// sendmmsg, paced: the frame is spread over spreadUs in bursts of at most
// burstPackets, so a large keyframe does not overflow a switch queue or the
// receiver's socket buffer in one line-rate burst.
//
// The socket can also be bound to a fixed local port first and connected
// later: a GameStream host listens on its well-known media ports, learns the
// client's address from the pings that arrive there (receive()), and then
// streams from that same port, which is what gets through the client's NAT.
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "net/socket_address.h"

namespace net {

struct UdpSenderOptions {
  // The receiver, numeric IPv4 or IPv6. Neither given ("" and 0): the socket
  // is only bound, and connectTo() supplies the address later.
  std::string remoteHost;
  int remotePort = 0;
  // Numeric; "": the wildcard of the remote's family (0.0.0.0 with no remote).
  // With neither local option and a remote, connect() picks an ephemeral port.
  std::string localHost;
  int localPort = 0;
  int spreadUs = 4000;  // 0: no pacing, everything at once
  int burstPackets = 64;
  int sendBufferBytes = 4 << 20;
};

// One datagram (or queued socket error) read by UdpSender::receive().
struct ReceivedDatagram {
  size_t bytes = 0;  // the datagram's real length, even when longer than the buffer
  SocketAddress from;
  // An ICMP error about our own sends (e.g. port unreachable as ECONNREFUSED)
  // came out of the queue instead of data.
  bool icmpError = false;
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

  // Throws INVALID_ARGUMENT, BIND_FAILED (local address taken or not ours)
  // or NETWORK_FAILED.
  explicit UdpSender(const UdpSenderOptions& options);

  // Sends `count` datagrams of datagramBytes each, stored back to back.
  // Throws NOT_CONNECTED before the remote address is known.
  SendResult send(const uint8_t* datagrams, size_t datagramBytes, int count);

  // (Re)connects to a numeric address; again later to move to a new one. An
  // IPv4 address on a dual-stack IPv6 socket is used as IPv4-mapped.
  void connectTo(const std::string& host, int port);
  bool connected() const { return connected_; }
  void requireConnected() const;

  // Reads one queued datagram without blocking: at most `capacity` bytes of
  // it into `buffer`; false when nothing is queued. A connected socket only
  // receives from its remote.
  bool receive(uint8_t* buffer, size_t capacity, ReceivedDatagram& out);

  void setSpreadUs(int spreadUs) { spreadUs_ = spreadUs; }
  int localPort() const { return boundPort(socket_.get()); }

 private:
  void sendBurst(const uint8_t* datagrams, size_t datagramBytes, int count, SendResult& result);
  int sendBatch(int count, SendResult& result);

  int family_;  // before socket_: the socket is opened in this family
  FileDescriptor socket_;
  bool connected_ = false;
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
