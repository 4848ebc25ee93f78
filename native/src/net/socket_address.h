#pragma once
// IPv4/IPv6 socket addresses from numeric strings, and the small socket
// helpers the sender and the receiver share.
#include <sys/socket.h>

#include <string>

namespace net {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// Numeric addresses only ("127.0.0.1", "::1", "::ffff:10.0.0.2"): name
// resolution would block the streaming thread, so callers resolve first.
// Throws INVALID_ARGUMENT for anything else.
SocketAddress numericAddress(const std::string& host, int port);

// A non-blocking, close-on-exec UDP socket; throws NETWORK_FAILED.
int openUdpSocket(int family);
// Asks for a larger kernel buffer; the kernel caps it (net.core.[rw]mem_max),
// which is not an error. SO_SNDBUF or SO_RCVBUF.
void requestBufferBytes(int fd, int option, int bytes);
int boundPort(int fd);
[[noreturn]] void throwErrno(const std::string& what, int error);

// Closes the descriptor it holds when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

}  // namespace net
