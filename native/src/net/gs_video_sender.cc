#include "net/gs_video_sender.h"

#include "media/clock.h"

namespace net {

GsVideoSender::GsVideoSender(const GsVideoSenderOptions& options)
    : pingPayload_(options.pingPayload), packetizer_(options.packetizer), udp_(options.udp) {
  gs::validatePingPayload(pingPayload_);
}

GsFrameSendResult GsVideoSender::sendFrame(const uint8_t* frame, size_t frameBytes,
                                           const GsFrameMeta& meta) {
  udp_.requireConnected();
  media::StageTimer timer;
  GsFrameSendResult r;
  r.firstSequence = packetizer_.nextSequence();
  r.packed = packetizer_.packetize(frame, frameBytes, meta);
  const SendResult sent =
      udp_.send(packetizer_.datagrams(), packetizer_.datagramBytes(), packetizer_.datagramCount());
  r.socketUs = sent.socketUs;
  r.refused = sent.refused;
  r.unsent = sent.unsent;
  r.lastPacketMonoUs = sent.lastPacketMonoUs;
  r.sendUs = timer.elapsedUs();
  return r;
}

}  // namespace net
