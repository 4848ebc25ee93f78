#include "net/media_sender.h"

#include "media/clock.h"

namespace net {

FrameSendResult MediaSender::sendFrame(const uint8_t* frame, size_t frameBytes,
                                       const FrameMeta& meta) {
  media::StageTimer timer;
  const PacketizeResult packed = packetizer_.packetize(frame, frameBytes, meta);
  const SendResult sent =
      udp_.send(packetizer_.datagrams(), packetizer_.datagramBytes(), packetizer_.datagramCount());
  FrameSendResult r;
  r.packets = packed.packets;
  r.parityPackets = packed.parityPackets;
  r.wireBytes = packed.wireBytes;
  r.fecUs = packed.fecUs;
  r.sealUs = packed.sealUs;
  r.socketUs = sent.socketUs;
  r.refused = sent.refused;
  r.unsent = sent.unsent;
  r.lastPacketMonoUs = sent.lastPacketMonoUs;
  r.sendUs = timer.elapsedUs();
  return r;
}

}  // namespace net
