#pragma once
// The host's GameStream video send path: packetize + FEC (+ AES-GCM) with
// GsVideoPacketizer, then paced sendmmsg with UdpSender. One synchronous
// call per encoded frame, timed stage by stage.
#include <cstddef>
#include <cstdint>

#include "net/gs_video_packetizer.h"
#include "net/udp_sender.h"

namespace net {

struct GsVideoSenderOptions {
  GsVideoOptions packetizer;
  UdpSenderOptions udp;
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
  explicit GsVideoSender(const GsVideoSenderOptions& options)
      : packetizer_(options.packetizer), udp_(options.udp) {}

  GsFrameSendResult sendFrame(const uint8_t* frame, size_t frameBytes, const GsFrameMeta& meta);
  void setFecPercent(int fecPercent) { packetizer_.setFecPercent(fecPercent); }
  int localPort() const { return udp_.localPort(); }
  size_t datagramBytes() const { return packetizer_.datagramBytes(); }

 private:
  GsVideoPacketizer packetizer_;
  UdpSender udp_;
};

}  // namespace net
