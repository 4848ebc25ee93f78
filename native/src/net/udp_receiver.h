#pragma once
// A bound non-blocking UDP socket read in batches with recvmmsg. Bound to
// "::" it is dual-stack: IPv4 senders arrive as IPv4-mapped addresses.
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "net/socket_address.h"

namespace net {

struct UdpReceiverOptions {
  std::string localAddress = "::";
  int localPort = 0;  // 0: the kernel picks one; see localPort()
  int receiveBufferBytes = 4 << 20;
};

class UdpReceiver {
 public:
  static constexpr int kBatchPackets = 64;
  // Larger than any punktfunk/1 datagram (1448 bytes), so a bigger one shows
  // up as truncated (MSG_TRUNC) instead of being mistaken for a valid size.
  static constexpr size_t kSlotBytes = 2048;

  explicit UdpReceiver(const UdpReceiverOptions& options);

  // Waits up to timeoutMs (0: not at all) until a datagram can be read.
  bool waitReadable(int timeoutMs);
  // Reads what is queued, up to kBatchPackets, without blocking; the
  // datagrams stay valid until the next call.
  int receiveBatch();
  const uint8_t* datagram(int i) const { return slots_.data() + i * kSlotBytes; }
  size_t datagramBytes(int i) const { return messages_[i].msg_len; }
  bool truncated(int i) const { return (messages_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0; }

  int localPort() const { return boundPort(socket_.get()); }

 private:
  FileDescriptor socket_;
  std::vector<uint8_t> slots_;
  std::array<mmsghdr, kBatchPackets> messages_{};
  std::array<iovec, kBatchPackets> vectors_{};
};

}  // namespace net
