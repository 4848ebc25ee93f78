#include "net/socket_address.h"

#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstring>

#include "net/net_error.h"

namespace net {

SocketAddress numericAddress(const std::string& host, int port) {
  if (port < 0 || port > 65535) {
    throw MediaError(media::code::kInvalidArgument, "port must be 0..65535");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    throw MediaError(media::code::kInvalidArgument,
                     "not a numeric IPv4/IPv6 address: '" + host + "' (" + gai_strerror(rc) + ")");
  }
  SocketAddress address;
  std::memcpy(&address.storage, found->ai_addr, found->ai_addrlen);
  address.length = found->ai_addrlen;
  freeaddrinfo(found);
  return address;
}

void throwErrno(const std::string& what, int error) {
  throw MediaError(code::kNetworkFailed, what + ": " + std::strerror(error));
}

int openUdpSocket(int family) {
  const int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) throwErrno("socket", errno);
  return fd;
}

void requestBufferBytes(int fd, int option, int bytes) {
  setsockopt(fd, SOL_SOCKET, option, &bytes, sizeof(bytes));
}

int boundPort(int fd) {
  sockaddr_storage local{};
  socklen_t length = sizeof(local);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) return 0;
  if (local.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&local)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&local)->sin_port);
}

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace net
