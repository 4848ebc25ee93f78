#include "net/gs_ping.h"

#include <array>
#include <cstring>

#include "net/byte_order.h"
#include "net/endpoint.h"
#include "net/net_error.h"

namespace net {
namespace gs {
namespace {

constexpr char kLegacyPing[4] = {'P', 'I', 'N', 'G'};
// Room for a ping and then some: receive() reports the real length of anything
// bigger, so the buffer only needs to hold what checkPing() compares.
constexpr size_t kReadBytes = 64;

}  // namespace

PingCheck checkPing(const uint8_t* data, size_t bytes, const std::string& expectedPayload) {
  PingCheck check;
  if (expectedPayload.empty()) {
    check.valid = bytes == sizeof(kLegacyPing) && std::memcmp(data, kLegacyPing, bytes) == 0;
    return check;
  }
  if (bytes != kPingBytes || expectedPayload.size() != kPingPayloadBytes ||
      std::memcmp(data, expectedPayload.data(), kPingPayloadBytes) != 0) {
    return check;
  }
  const uint8_t* counter = data + kPingPayloadBytes;
  check.valid = true;
  check.hasCounter = true;
  check.counter = getBe32(counter);
  return check;
}

void validatePingPayload(const std::string& payload) {
  bool printable = true;
  for (char c : payload) printable &= c >= 0x20 && c <= 0x7e;
  if (!payload.empty() && (payload.size() != kPingPayloadBytes || !printable)) {
    throw MediaError(media::code::kInvalidArgument,
                     "pingPayload must be 16 printable ASCII characters");
  }
}

PingPoll pollPings(UdpSender& socket, const std::string& expectedPayload) {
  PingPoll poll;
  std::array<uint8_t, kReadBytes> buffer{};
  ReceivedDatagram datagram;
  for (int i = 0;
       i < kMaxDatagramsPerPoll && socket.receive(buffer.data(), buffer.size(), datagram); ++i) {
    const PingCheck check = datagram.icmpError
                                ? PingCheck{}
                                : checkPing(buffer.data(), datagram.bytes, expectedPayload);
    if (!check.valid) {
      ++poll.ignored;
      continue;
    }
    ++poll.pings;
    poll.remoteHost = hostText(datagram.from);
    poll.remotePort = portOf(datagram.from);
    poll.hasCounter = check.hasCounter;
    poll.lastCounter = check.counter;
  }
  return poll;
}

}  // namespace gs
}  // namespace net
