#pragma once
// GameStream pings: how the host learns where to stream. A Moonlight client
// sends a ping to the host's video port (47998) and audio port (48000) every
// 500 ms from the very socket it receives on (VideoStream.c, AudioStream.c),
// so the source of a ping is the address to stream to, NAT mapping included.
//
// With the Sunshine extension a ping is 20 bytes: the 16 ASCII characters of
// the session's X-SS-Ping-Payload (from RTSP SETUP) then a BE32 counter from
// 1. Older clients send the 4 bytes "PING". Anything else is ignored.
#include <cstddef>
#include <cstdint>
#include <string>

#include "net/udp_sender.h"

namespace net {
namespace gs {

inline constexpr size_t kPingPayloadBytes = 16;
inline constexpr size_t kPingBytes = kPingPayloadBytes + 4;  // + BE32 counter
// Datagrams read per pollPings() call: 2 pings a second per client means a
// handful at most; the bound keeps a flood from stalling the streaming thread.
inline constexpr int kMaxDatagramsPerPoll = 256;

struct PingCheck {
  bool valid = false;
  bool hasCounter = false;  // legacy "PING" carries none
  uint32_t counter = 0;
};

// expectedPayload "" accepts only the legacy "PING"; otherwise only 20-byte
// pings that start with exactly these 16 characters.
PingCheck checkPing(const uint8_t* data, size_t bytes, const std::string& expectedPayload);

// Throws INVALID_ARGUMENT unless "" or 16 printable ASCII characters.
void validatePingPayload(const std::string& payload);

struct PingPoll {
  int pings = 0;    // valid pings read
  int ignored = 0;  // other datagrams and queued ICMP errors
  // Source of the newest valid ping; "" and 0 when there was none.
  std::string remoteHost;
  int remotePort = 0;
  bool hasCounter = false;
  uint32_t lastCounter = 0;  // the newest valid ping's counter
};

// Reads what is queued on `socket` (at most kMaxDatagramsPerPoll) without blocking.
PingPoll pollPings(UdpSender& socket, const std::string& expectedPayload);

}  // namespace gs
}  // namespace net
