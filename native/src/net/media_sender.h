#pragma once
// The host's media send path for one punktfunk/1 stream: packetize + FEC +
// seal (Pf1Packetizer), then paced sendmmsg (UdpSender). One synchronous call
// per encoded frame, timed stage by stage.
#include <cstddef>
#include <cstdint>

#include "net/pf1_packetizer.h"
#include "net/udp_sender.h"

namespace net {

struct MediaSenderOptions {
  PacketizerOptions packetizer;
  UdpSenderOptions udp;
};

struct FrameSendResult {
  int packets = 0;
  int parityPackets = 0;
  size_t wireBytes = 0;  // all datagram bytes (header + ciphertext + tag)
  int64_t fecUs = 0;
  int64_t sealUs = 0;
  int64_t socketUs = 0;
  int64_t sendUs = 0;  // the whole call: packetize + paced sending
  int refused = 0;
  int unsent = 0;
  int64_t lastPacketMonoUs = 0;
};

class MediaSender {
 public:
  explicit MediaSender(const MediaSenderOptions& options)
      : packetizer_(options.packetizer), udp_(options.udp) {}

  FrameSendResult sendFrame(const uint8_t* frame, size_t frameBytes, const FrameMeta& meta);
  void setFecPercent(int fecPercent) { packetizer_.setFecPercent(fecPercent); }
  int localPort() const { return udp_.localPort(); }

 private:
  Pf1Packetizer packetizer_;
  UdpSender udp_;
};

}  // namespace net
