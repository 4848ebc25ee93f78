#pragma once
// The host's GameStream audio send path: a source (the desktop's PulseAudio
// monitor, or a test tone) → Opus (CBR, 5 ms; stereo, 5.1 or 7.1
// multistream) → GsAudioPacketizer → UDP. A surround stream from a desktop
// whose sink has fewer channels captures stereo and upmixes it.
// Like the video sender it can sit on the well-known audio port and learn
// the client from its pings.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "media/opus_encoder.h"
#include "media/pulse_capture.h"
#include "net/gs_audio_packetizer.h"
#include "net/gs_ping.h"
#include "net/udp_sender.h"

namespace net {

// kAuto tries PulseAudio and falls back to the tone, keeping the reason.
enum class GsAudioSource { kTone, kPulse, kAuto };

struct GsAudioSenderOptions {
  GsAudioOptions packetizer;
  media::OpusEncoderOptions opus;
  GsAudioSource source = GsAudioSource::kTone;
  std::string pulseDevice = "@DEFAULT_MONITOR@";
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
  int underruns = 0;  // packets sent as silence: the capture ring was short
  uint16_t nextSequence = 0;
};

class GsAudioSender {
 public:
  // Throws AUDIO_SOURCE_UNAVAILABLE for kPulse without a reachable server.
  explicit GsAudioSender(const GsAudioSenderOptions& options);

  // Takes, encodes and sends `count` packets of audio back to back (the
  // caller paces them, one per packet duration in a real stream); never
  // waits for the capture. Throws NOT_CONNECTED before connectTo(), with no
  // packet made.
  GsAudioSendResult sendAudio(int count);
  // "pulse" or "tone".
  const char* audioSource() const { return pulse_ ? "pulse" : "tone"; }
  // Channels the capture delivers: the stream's, or 2 when stereo is upmixed.
  int capturedChannels() const { return capturedChannels_; }
  // Why kAuto fell back to the tone; "" otherwise.
  const std::string& fallbackReason() const { return fallbackReason_; }
  gs::PingPoll pollPings() { return gs::pollPings(udp_, pingPayload_); }
  void connectTo(const std::string& host, int port) { udp_.connectTo(host, port); }
  bool connected() const { return udp_.connected(); }
  int localPort() const { return udp_.localPort(); }

 private:
  void fillPcm(GsAudioSendResult& r);
  void openPulse(const GsAudioSenderOptions& o);

  std::unique_ptr<media::PulseAudioCapture> pulse_;  // null: the tone
  std::string fallbackReason_;
  media::ToneSource tone_;
  media::OpusAudioEncoder encoder_;
  GsAudioPacketizer packetizer_;
  UdpSender udp_;
  std::string pingPayload_;
  std::vector<int16_t> pcm_;
  std::vector<int16_t> stereo_;  // the capture's frames before an upmix
  int capturedChannels_;
  std::vector<uint8_t> opus_;
};

}  // namespace net
