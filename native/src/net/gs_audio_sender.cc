#include "net/gs_audio_sender.h"

#include "media/clock.h"
#include "net/net_error.h"

namespace net {
namespace {

UdpSenderOptions unpaced(UdpSenderOptions o) {
  o.spreadUs = 0;
  return o;
}

std::unique_ptr<media::PulseAudioCapture> openPulse(const GsAudioSenderOptions& o) {
  media::PulseCaptureOptions p;
  p.device = o.pulseDevice;
  p.sampleRate = o.opus.sampleRate;
  p.channels = o.opus.channels;
  p.chunkFrames = o.opus.sampleRate / 200;  // 5 ms, whatever the packet duration
  p.ringFrames = o.opus.sampleRate / 5;     // 200 ms
  return std::make_unique<media::PulseAudioCapture>(p);
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
  if (o.source == GsAudioSource::kTone) return;
  try {
    pulse_ = openPulse(o);
  } catch (const MediaError& e) {
    if (o.source == GsAudioSource::kPulse || e.code() != media::code::kAudioSourceUnavailable) {
      throw;
    }
    fallbackReason_ = e.what();
  }
}

void GsAudioSender::fillPcm(GsAudioSendResult& r) {
  if (!pulse_) {
    tone_.fill(pcm_.data(), encoder_.frameSamples());
  } else if (!pulse_->read(pcm_.data(), encoder_.frameSamples())) {
    ++r.underruns;  // read() wrote silence
  }
}

GsAudioSendResult GsAudioSender::sendAudio(int count) {
  if (count < 0 || count > 10000) {
    throw MediaError(media::code::kInvalidArgument, "gamestream audio: count must be 0..10000");
  }
  udp_.requireConnected();
  media::StageTimer timer;
  GsAudioSendResult r;
  for (int i = 0; i < count; ++i) {
    media::StageTimer encodeTimer;
    fillPcm(r);
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
