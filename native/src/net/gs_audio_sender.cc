#include "net/gs_audio_sender.h"

#include "media/clock.h"
#include "net/net_error.h"

namespace net {
namespace {

UdpSenderOptions unpaced(UdpSenderOptions o) {
  o.spreadUs = 0;
  return o;
}

// Stereo into Moonlight's 5.1 / 7.1 order (FL FR FC LFE RL RR [SL SR]):
// left and right on every side pair, their mean in the centre, a silent LFE.
void upmixStereo(const int16_t* stereo, int frames, int channels, int16_t* out) {
  for (int i = 0; i < frames; ++i) {
    const int16_t left = stereo[2 * i], right = stereo[2 * i + 1];
    int16_t* frame = out + static_cast<size_t>(i) * channels;
    frame[0] = left;
    frame[1] = right;
    frame[2] = static_cast<int16_t>((left + right) / 2);
    frame[3] = 0;
    for (int c = 4; c + 1 < channels; c += 2) {
      frame[c] = left;
      frame[c + 1] = right;
    }
  }
}

}  // namespace

GsAudioSender::GsAudioSender(const GsAudioSenderOptions& o)
    : tone_(o.toneHz, o.opus.sampleRate, o.opus.channels),
      encoder_(o.opus),
      packetizer_(o.packetizer),
      udp_(unpaced(o.udp)),
      pingPayload_(o.pingPayload),
      pcm_(static_cast<size_t>(o.opus.frameSamples) * o.opus.channels),
      capturedChannels_(o.opus.channels),
      opus_(media::OpusAudioEncoder::kMaxPacketBytes) {
  if (o.packetizer.packetDurationMs * o.opus.sampleRate / 1000 != o.opus.frameSamples) {
    throw MediaError(media::code::kInvalidArgument,
                     "gamestream audio: packetDurationMs must match the Opus frame length");
  }
  gs::validatePingPayload(pingPayload_);
  if (o.source == GsAudioSource::kTone) return;
  try {
    openPulse(o);
  } catch (const MediaError& e) {
    if (o.source == GsAudioSource::kPulse || e.code() != media::code::kAudioSourceUnavailable) {
      throw;
    }
    fallbackReason_ = e.what();
  }
}

void GsAudioSender::openPulse(const GsAudioSenderOptions& o) {
  const int channels = o.opus.channels;
  // A surround stream from a stereo desktop: PulseAudio would upmix too, but
  // how depends on the server's settings; this upmix is the same everywhere,
  // and the session can say it happened.
  const bool upmix = channels > 2 && media::pulseSourceChannels(o.pulseDevice) < channels;
  media::PulseCaptureOptions p;
  p.device = o.pulseDevice;
  p.sampleRate = o.opus.sampleRate;
  p.channels = upmix ? 2 : channels;
  p.chunkFrames = o.opus.sampleRate / 200;  // 5 ms, whatever the packet duration
  p.ringFrames = o.opus.sampleRate / 5;     // 200 ms
  pulse_ = std::make_unique<media::PulseAudioCapture>(p);
  capturedChannels_ = p.channels;
  if (upmix) stereo_.resize(static_cast<size_t>(o.opus.frameSamples) * 2);
}

void GsAudioSender::fillPcm(GsAudioSendResult& r) {
  const int frames = encoder_.frameSamples();
  if (!pulse_) {
    tone_.fill(pcm_.data(), frames);
    return;
  }
  const bool upmix = capturedChannels_ != encoder_.channels();
  // read() writes silence when the ring is short.
  if (!pulse_->read(upmix ? stereo_.data() : pcm_.data(), frames)) ++r.underruns;
  if (upmix) upmixStereo(stereo_.data(), frames, encoder_.channels(), pcm_.data());
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
