#include "net/gs_audio_sender.h"

#include "media/clock.h"
#include "net/net_error.h"

namespace net {
namespace {

UdpSenderOptions unpaced(UdpSenderOptions o) {
  o.spreadUs = 0;
  return o;
}

}  // namespace

GsAudioSender::GsAudioSender(const GsAudioSenderOptions& o)
    : tone_(o.toneHz, o.opus.sampleRate, o.opus.channels),
      encoder_(o.opus),
      packetizer_(o.packetizer),
      udp_(unpaced(o.udp)),
      pingPayload_(o.pingPayload),
      pcm_(static_cast<size_t>(o.opus.frameSamples) * o.opus.channels),
      opus_(media::OpusAudioEncoder::kMaxPacketBytes) {
  if (o.packetizer.packetDurationMs * o.opus.sampleRate / 1000 != o.opus.frameSamples) {
    throw MediaError(media::code::kInvalidArgument,
                     "gamestream audio: packetDurationMs must match the Opus frame length");
  }
  gs::validatePingPayload(pingPayload_);
}

GsAudioSendResult GsAudioSender::sendTone(int count) {
  if (count < 0 || count > 10000) {
    throw MediaError(media::code::kInvalidArgument, "gamestream audio: count must be 0..10000");
  }
  udp_.requireConnected();
  media::StageTimer timer;
  GsAudioSendResult r;
  for (int i = 0; i < count; ++i) {
    media::StageTimer encodeTimer;
    tone_.fill(pcm_.data(), encoder_.frameSamples());
    const size_t bytes = encoder_.encode(pcm_.data(), opus_.data(), opus_.size());
    r.encodeUs += encodeTimer.elapsedUs();
    const GsAudioDatagrams d = packetizer_.packetize(opus_.data(), bytes);
    r.unsent += udp_.send(d.data, d.dataBytes, 1).unsent;
    ++r.packets;
    r.wireBytes += d.dataBytes;
    if (d.fecCount > 0) {
      r.unsent += udp_.send(d.fec, d.fecBytes, d.fecCount).unsent;
      r.fecPackets += d.fecCount;
      r.wireBytes += d.fecBytes * static_cast<size_t>(d.fecCount);
    }
  }
  r.nextSequence = packetizer_.nextSequence();
  r.sendUs = timer.elapsedUs();
  return r;
}

}  // namespace net
