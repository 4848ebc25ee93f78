#pragma once
// The host's GameStream video send path: packetize + FEC (+ AES-GCM) with
// GsVideoPacketizer, then paced sendmmsg with UdpSender. One synchronous
// call per encoded frame, timed stage by stage. The socket can sit on the
// well-known video port before the client is known: pollPings() reads the
// client's pings there and connectTo() starts the stream (gs_ping.h).
#include <cstddef>
#include <cstdint>
#include <string>

#include "net/gs_ping.h"
#include "net/gs_video_packetizer.h"
#include "net/udp_sender.h"

namespace net {

struct GsVideoSenderOptions {
  GsVideoOptions packetizer;
  UdpSenderOptions udp;
  std::string pingPayload;  // X-SS-Ping-Payload; "": legacy "PING" only
};

struct GsFrameSendResult {
  GsPacketizeResult packed;
  int64_t socketUs = 0;
  int64_t sendUs = 0;  // the whole call
  int refused = 0;
  int unsent = 0;
  int64_t lastPacketMonoUs = 0;
  uint16_t firstSequence = 0;
};

class GsVideoSender {
 public:
  explicit GsVideoSender(const GsVideoSenderOptions& options);

  // Throws NOT_CONNECTED before connectTo() (or a remote in the options),
  // without using up a sequence number.
  GsFrameSendResult sendFrame(const uint8_t* frame, size_t frameBytes, const GsFrameMeta& meta);
  gs::PingPoll pollPings() { return gs::pollPings(udp_, pingPayload_); }
  void connectTo(const std::string& host, int port) { udp_.connectTo(host, port); }
  bool connected() const { return udp_.connected(); }
  void setFecPercent(int fecPercent) { packetizer_.setFecPercent(fecPercent); }
  int localPort() const { return udp_.localPort(); }
  size_t datagramBytes() const { return packetizer_.datagramBytes(); }

 private:
  std::string pingPayload_;
  GsVideoPacketizer packetizer_;
  UdpSender udp_;
};

}  // namespace net
