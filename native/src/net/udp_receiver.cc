#include "net/udp_receiver.h"

#include <netinet/in.h>
#include <poll.h>

#include <cerrno>

#include "net/net_error.h"

namespace net {
namespace {

int boundSocket(const UdpReceiverOptions& o) {
  const SocketAddress local = numericAddress(o.localAddress, o.localPort);
  FileDescriptor fd(openUdpSocket(local.family()));
  if (local.family() == AF_INET6) {
    // Accept IPv4 too, whatever the system default (net.ipv6.bindv6only).
    const int off = 0;
    setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
  }
  requestBufferBytes(fd.get(), SO_RCVBUF, o.receiveBufferBytes);
  if (bind(fd.get(), local.get(), local.length) != 0) {
    throwErrno("bind " + o.localAddress + " port " + std::to_string(o.localPort), errno);
  }
  return fd.release();
}

}  // namespace

UdpReceiver::UdpReceiver(const UdpReceiverOptions& o)
    : socket_(boundSocket(o)), slots_(kBatchPackets * kSlotBytes) {}

bool UdpReceiver::waitReadable(int timeoutMs) {
  pollfd p{socket_.get(), POLLIN, 0};
  int rc;
  do {
    rc = poll(&p, 1, timeoutMs);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) throwErrno("poll", errno);
  return rc > 0;
}

int UdpReceiver::receiveBatch() {
  for (int i = 0; i < kBatchPackets; ++i) {
    vectors_[i].iov_base = slots_.data() + i * kSlotBytes;
    vectors_[i].iov_len = kSlotBytes;
    messages_[i].msg_hdr = msghdr{};
    messages_[i].msg_hdr.msg_iov = &vectors_[i];
    messages_[i].msg_hdr.msg_iovlen = 1;
    messages_[i].msg_len = 0;
  }
  for (;;) {
    const int rc = recvmmsg(socket_.get(), messages_.data(), kBatchPackets, MSG_DONTWAIT, nullptr);
    if (rc >= 0) return rc;
    if (errno == EINTR) continue;
    // ECONNREFUSED etc. are stale ICMP errors about our own sends: not fatal.
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED) return 0;
    throwErrno("recvmmsg", errno);
  }
}

}  // namespace net
