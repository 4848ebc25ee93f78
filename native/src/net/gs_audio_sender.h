#pragma once
// The host's GameStream audio send path for a test tone: ToneSource → Opus
// (CBR, 5 ms) → GsAudioPacketizer → UDP. A real capture source replaces the
// tone later; the packet path stays the same. Like the video sender it can
// sit on the well-known audio port and learn the client from its pings.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "media/opus_encoder.h"
#include "net/gs_audio_packetizer.h"
#include "net/gs_ping.h"
#include "net/udp_sender.h"

namespace net {

struct GsAudioSenderOptions {
  GsAudioOptions packetizer;
  media::OpusEncoderOptions opus;
  double toneHz = 440;
  UdpSenderOptions udp;     // spreadUs is ignored: audio packets go out as made
  std::string pingPayload;  // X-SS-Ping-Payload; "": legacy "PING" only
};

struct GsAudioSendResult {
  int packets = 0;     // data packets (one per Opus frame)
  int fecPackets = 0;  // pt 127 packets
  size_t wireBytes = 0;
  int64_t encodeUs = 0;
  int64_t sendUs = 0;  // the whole call
  int unsent = 0;
  uint16_t nextSequence = 0;
};

class GsAudioSender {
 public:
  explicit GsAudioSender(const GsAudioSenderOptions& options);

  // Makes, encodes and sends `count` packets of tone back to back (the
  // caller paces them, one per packet duration in a real stream). Throws
  // NOT_CONNECTED before connectTo(), with no packet made.
  GsAudioSendResult sendTone(int count);
  gs::PingPoll pollPings() { return gs::pollPings(udp_, pingPayload_); }
  void connectTo(const std::string& host, int port) { udp_.connectTo(host, port); }
  bool connected() const { return udp_.connected(); }
  int localPort() const { return udp_.localPort(); }

 private:
  media::ToneSource tone_;
  media::OpusAudioEncoder encoder_;
  GsAudioPacketizer packetizer_;
  UdpSender udp_;
  std::string pingPayload_;
  std::vector<int16_t> pcm_;
  std::vector<uint8_t> opus_;
};

}  // namespace net
