#include "net/udp_sender.h"

#include <netinet/in.h>
#include <poll.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "media/clock.h"
#include "net/endpoint.h"
#include "net/net_error.h"

namespace net {
namespace {

constexpr int64_t kSpinUs = 60;

// Errors a connected UDP socket reports from ICMP about earlier datagrams.
bool isIcmpReport(int error) {
  return error == ECONNREFUSED || error == EHOSTUNREACH || error == ENETUNREACH;
}

// EPERM: a firewall rule (iptables DROP/REJECT on output, a full conntrack
// table, a rate limit) refused this datagram; the next may pass, as a lost
// datagram would, so it is a loss for FEC and the client's recovery, not the
// end of the stream (one refused datagram ended it before).
bool isTransient(int error) {
  return error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS || error == EPERM ||
         isIcmpReport(error);
}

}  // namespace

void sleepUntilUs(int64_t targetUs) {
  const int64_t sleepUs = targetUs - media::monotonicUs() - kSpinUs;
  if (sleepUs > 0) {
    timespec ts{static_cast<time_t>(sleepUs / 1000000),
                static_cast<long>(sleepUs % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
  }
  while (media::monotonicUs() < targetUs) {
  }
}

namespace {

bool hasRemote(const UdpSenderOptions& o) { return !o.remoteHost.empty() || o.remotePort != 0; }

// Checks the options and picks the socket's family, which decides which
// clients it can reach: localHost's, else the remote's, else IPv4.
int checkedFamily(const UdpSenderOptions& o) {
  if (o.spreadUs < 0 || o.burstPackets < 1) {
    throw MediaError(media::code::kInvalidArgument, "spreadUs must be >= 0, burstPackets >= 1");
  }
  if (hasRemote(o) && o.remotePort == 0) {
    throw MediaError(media::code::kInvalidArgument, "remotePort must not be 0");
  }
  const int remoteFamily = hasRemote(o) ? numericAddress(o.remoteHost, o.remotePort).family() : 0;
  if (!o.localHost.empty()) return numericAddress(o.localHost, o.localPort).family();
  if (o.localPort < 0 || o.localPort > 65535) {
    throw MediaError(media::code::kInvalidArgument, "localPort must be 0..65535");
  }
  return remoteFamily != 0 ? remoteFamily : AF_INET;
}

SocketAddress localAddress(const UdpSenderOptions& o, int family) {
  if (!o.localHost.empty()) return numericAddress(o.localHost, o.localPort);
  return numericAddress(family == AF_INET6 ? "::" : "0.0.0.0", o.localPort);
}

// No SO_REUSEADDR: for UDP on Linux it would let a second socket bind the
// same port and silently take over the client's pings; UDP has no TIME_WAIT
// that it would help with.
void bindTo(int fd, const SocketAddress& local) {
  if (local.family() == AF_INET6) {
    // "::" then serves IPv4 clients too, whatever net.ipv6.bindv6only says.
    const int off = 0;
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
  }
  if (bind(fd, local.get(), local.length) == 0) return;
  const int error = errno;
  if (error == EADDRINUSE) {
    throw MediaError(code::kBindFailed, endpointText(local) + " is in use");
  }
  throw MediaError(code::kBindFailed,
                   "cannot bind " + endpointText(local) + ": " + std::strerror(error));
}

}  // namespace

UdpSender::UdpSender(const UdpSenderOptions& o)
    : family_(checkedFamily(o)),
      socket_(openUdpSocket(family_)),
      spreadUs_(o.spreadUs),
      burstPackets_(o.burstPackets) {
  requestBufferBytes(socket_.get(), SO_SNDBUF, o.sendBufferBytes);
  // Without local options a remote's connect() binds an ephemeral port itself.
  if (!hasRemote(o) || !o.localHost.empty() || o.localPort != 0) {
    bindTo(socket_.get(), localAddress(o, family_));
  }
  if (hasRemote(o)) connectTo(o.remoteHost, o.remotePort);
}

// A connect()ed socket: the destination is fixed once (no address per
// datagram) and the kernel reports ICMP port-unreachable as ECONNREFUSED.
void UdpSender::connectTo(const std::string& host, int port) {
  if (port < 1 || port > 65535) {
    throw MediaError(media::code::kInvalidArgument, "remotePort must be 1..65535");
  }
  const SocketAddress remote = inFamily(numericAddress(host, port), family_);
  if (connect(socket_.get(), remote.get(), remote.length) != 0) {
    const int error = errno;
    // The kernel may have dropped the old association: send nothing until a
    // connectTo succeeds.
    connected_ = false;
    throwErrno("connect to " + endpointText(remote), error);
  }
  connected_ = true;
}

void UdpSender::requireConnected() const {
  if (!connected_) {
    throw MediaError(code::kNotConnected,
                     "no client address yet: the client has not pinged yet (connectTo() first)");
  }
}

bool UdpSender::receive(uint8_t* buffer, size_t capacity, ReceivedDatagram& out) {
  for (;;) {
    out = ReceivedDatagram{};
    socklen_t length = sizeof(out.from.storage);
    // MSG_TRUNC: the return value is the datagram's real length, so an
    // oversized one is seen as such, not as its first `capacity` bytes.
    const ssize_t rc = recvfrom(socket_.get(), buffer, capacity, MSG_DONTWAIT | MSG_TRUNC,
                                reinterpret_cast<sockaddr*>(&out.from.storage), &length);
    const int error = errno;
    if (rc >= 0) {
      out.bytes = static_cast<size_t>(rc);
      out.from.length = length;
      return true;
    }
    if (error == EINTR) continue;
    if (error == EAGAIN || error == EWOULDBLOCK) return false;
    if (!isIcmpReport(error)) throwErrno("recvfrom", error);
    out.icmpError = true;
    return true;
  }
}

SendResult UdpSender::send(const uint8_t* datagrams, size_t datagramBytes, int count) {
  requireConnected();
  SendResult result;
  const int bursts = (count + burstPackets_ - 1) / burstPackets_;
  const int64_t startUs = media::monotonicUs();
  for (int b = 0; b < bursts; ++b) {
    if (b > 0 && spreadUs_ > 0) sleepUntilUs(startUs + int64_t{spreadUs_} * b / bursts);
    const int first = b * burstPackets_;
    const int n = std::min(burstPackets_, count - first);
    sendBurst(datagrams + first * datagramBytes, datagramBytes, n, result);
  }
  return result;
}

void UdpSender::sendBurst(const uint8_t* datagrams, size_t datagramBytes, int count,
                          SendResult& result) {
  int done = 0;
  while (done < count) {
    const int n = std::min(kBatchPackets, count - done);
    for (int i = 0; i < n; ++i) {
      vectors_[i].iov_base = const_cast<uint8_t*>(datagrams + (done + i) * datagramBytes);
      vectors_[i].iov_len = datagramBytes;
      messages_[i].msg_hdr = msghdr{};
      messages_[i].msg_hdr.msg_iov = &vectors_[i];
      messages_[i].msg_hdr.msg_iovlen = 1;
    }
    done += sendBatch(n, result);
  }
}

// Sends messages_[0..count): returns how many left the queue, either handed
// to the kernel or dropped after kMaxAttempts refusals.
int UdpSender::sendBatch(int count, SendResult& result) {
  int sent = 0;
  int attempts = 0;
  while (sent < count) {
    media::StageTimer timer;
    const int rc = sendmmsg(socket_.get(), &messages_[sent], count - sent, 0);
    const int error = errno;
    if (rc > 0) {
      sent += rc;
      attempts = 0;
      result.lastPacketMonoUs = media::monotonicUs();
      result.socketUs += result.lastPacketMonoUs - timer.startUs();
      continue;
    }
    if (rc < 0 && error == EINTR) continue;
    if (rc < 0 && !isTransient(error)) throwErrno("sendmmsg", error);
    ++result.refused;
    if (++attempts >= kMaxAttempts) {
      ++result.unsent;
      ++sent;
      attempts = 0;
    } else if (error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS) {
      // Wait (briefly) for buffer space instead of spinning on the error.
      pollfd p{socket_.get(), POLLOUT, 0};
      poll(&p, 1, 1);
    }
    result.socketUs += timer.elapsedUs();
  }
  return count;
}

}  // namespace net
