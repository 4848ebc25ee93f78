#pragma once
// Socket addresses as text (for error messages and for JS) and across
// families: one dual-stack IPv6 socket serves IPv4 clients through
// IPv4-mapped addresses (::ffff:a.b.c.d), which callers see as plain IPv4.
#include <string>

#include "net/socket_address.h"

namespace net {

// "127.0.0.1" or "::1"; an IPv4-mapped IPv6 address is given as the IPv4 one.
std::string hostText(const SocketAddress& address);
int portOf(const SocketAddress& address);
// "127.0.0.1:47998" or "[::1]:47998", for messages.
std::string endpointText(const SocketAddress& address);

// `address` in the form a socket of `family` can use: IPv4 ↔ IPv4-mapped
// IPv6. Throws INVALID_ARGUMENT for a real IPv6 address and an IPv4 socket.
SocketAddress inFamily(const SocketAddress& address, int family);

}  // namespace net
