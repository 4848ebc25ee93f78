#include "net/udp_sender.h"

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <cerrno>

#include "media/clock.h"
#include "net/net_error.h"

namespace net {
namespace {

constexpr int64_t kSpinUs = 60;

bool isTransient(int error) {
  return error == EAGAIN || error == EWOULDBLOCK || error == ENOBUFS || error == ECONNREFUSED ||
         error == EHOSTUNREACH || error == ENETUNREACH;
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

// A socket connect()ed to the remote: the destination is fixed once (no
// address per datagram) and the kernel reports ICMP port-unreachable as
// ECONNREFUSED.
int connectedSocket(const UdpSenderOptions& o) {
  if (o.spreadUs < 0 || o.burstPackets < 1) {
    throw MediaError(media::code::kInvalidArgument, "spreadUs must be >= 0, burstPackets >= 1");
  }
  if (o.remotePort == 0)
    throw MediaError(media::code::kInvalidArgument, "remotePort must not be 0");
  const SocketAddress remote = numericAddress(o.remoteHost, o.remotePort);
  FileDescriptor fd(openUdpSocket(remote.family()));
  requestBufferBytes(fd.get(), SO_SNDBUF, o.sendBufferBytes);
  if (connect(fd.get(), remote.get(), remote.length) != 0) throwErrno("connect", errno);
  return fd.release();
}

}  // namespace

UdpSender::UdpSender(const UdpSenderOptions& o)
    : socket_(connectedSocket(o)), spreadUs_(o.spreadUs), burstPackets_(o.burstPackets) {}

SendResult UdpSender::send(const uint8_t* datagrams, size_t datagramBytes, int count) {
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
