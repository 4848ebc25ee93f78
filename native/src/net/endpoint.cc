#include "net/endpoint.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "net/net_error.h"

namespace net {
namespace {

const sockaddr_in& asV4(const SocketAddress& a) {
  return *reinterpret_cast<const sockaddr_in*>(&a.storage);
}
const sockaddr_in6& asV6(const SocketAddress& a) {
  return *reinterpret_cast<const sockaddr_in6*>(&a.storage);
}

bool isMappedV4(const SocketAddress& a) {
  return a.family() == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&asV6(a).sin6_addr);
}

SocketAddress mappedToV4(const SocketAddress& a) {
  SocketAddress out;
  auto& v4 = *reinterpret_cast<sockaddr_in*>(&out.storage);
  v4.sin_family = AF_INET;
  v4.sin_port = asV6(a).sin6_port;
  // The IPv4 address is the last 4 of the 16 bytes.
  std::memcpy(&v4.sin_addr, asV6(a).sin6_addr.s6_addr + 12, 4);
  out.length = sizeof(sockaddr_in);
  return out;
}

SocketAddress v4ToMapped(const SocketAddress& a) {
  SocketAddress out;
  auto& v6 = *reinterpret_cast<sockaddr_in6*>(&out.storage);
  v6.sin6_family = AF_INET6;
  v6.sin6_port = asV4(a).sin_port;
  v6.sin6_addr.s6_addr[10] = 0xff;
  v6.sin6_addr.s6_addr[11] = 0xff;
  std::memcpy(v6.sin6_addr.s6_addr + 12, &asV4(a).sin_addr, 4);
  out.length = sizeof(sockaddr_in6);
  return out;
}

}  // namespace

std::string hostText(const SocketAddress& address) {
  const SocketAddress plain = isMappedV4(address) ? mappedToV4(address) : address;
  char text[INET6_ADDRSTRLEN] = {};
  const void* raw = plain.family() == AF_INET6 ? static_cast<const void*>(&asV6(plain).sin6_addr)
                                               : static_cast<const void*>(&asV4(plain).sin_addr);
  if (inet_ntop(plain.family(), raw, text, sizeof(text)) == nullptr) return "?";
  return text;
}

int portOf(const SocketAddress& address) {
  return ntohs(address.family() == AF_INET6 ? asV6(address).sin6_port : asV4(address).sin_port);
}

std::string endpointText(const SocketAddress& address) {
  const std::string host = hostText(address);
  const std::string port = std::to_string(portOf(address));
  return host.find(':') == std::string::npos ? host + ":" + port : "[" + host + "]:" + port;
}

SocketAddress inFamily(const SocketAddress& address, int family) {
  if (address.family() == family) return address;
  if (family == AF_INET6) return v4ToMapped(address);
  if (isMappedV4(address)) return mappedToV4(address);
  throw MediaError(media::code::kInvalidArgument,
                   hostText(address) + " is IPv6 but the socket is bound to an IPv4 address");
}

}  // namespace net
