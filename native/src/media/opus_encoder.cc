#include "media/opus_encoder.h"

#include <opus.h>

#include <cmath>
#include <string>

#include "media/media_error.h"

namespace media {
namespace {

void check(int status, const char* what) {
  if (status != OPUS_OK) {
    throw MediaError(code::kEncoderFailed,
                     std::string("opus: ") + what + ": " + opus_strerror(status));
  }
}

}  // namespace

OpusAudioEncoder::OpusAudioEncoder(const OpusEncoderOptions& o)
    : sampleRate_(o.sampleRate), channels_(o.channels), frameSamples_(o.frameSamples) {
  if (o.sampleRate != 48000 || (o.channels != 1 && o.channels != 2)) {
    throw MediaError(code::kInvalidArgument, "opus: 48000 Hz, 1 or 2 channels");
  }
  // Opus frame lengths at 48 kHz: 2.5, 5, 10, 20 ms.
  if (o.frameSamples != 120 && o.frameSamples != 240 && o.frameSamples != 480 &&
      o.frameSamples != 960) {
    throw MediaError(code::kInvalidArgument, "opus: frameSamples must be 120, 240, 480 or 960");
  }
  if (o.bitrateBps < 6000 || o.bitrateBps > 510000) {
    throw MediaError(code::kInvalidArgument, "opus: bitrateBps must be 6000..510000");
  }
  int status = OPUS_OK;
  // Restricted low-delay: CELT only, no SILK look-ahead; what GameStream hosts use.
  encoder_ =
      opus_encoder_create(o.sampleRate, o.channels, OPUS_APPLICATION_RESTRICTED_LOWDELAY, &status);
  check(status, "opus_encoder_create");
  try {
    check(opus_encoder_ctl(encoder_, OPUS_SET_BITRATE(o.bitrateBps)), "OPUS_SET_BITRATE");
    check(opus_encoder_ctl(encoder_, OPUS_SET_VBR(0)), "OPUS_SET_VBR");
  } catch (...) {
    opus_encoder_destroy(encoder_);
    throw;
  }
}

OpusAudioEncoder::~OpusAudioEncoder() { opus_encoder_destroy(encoder_); }

size_t OpusAudioEncoder::encode(const int16_t* pcm, uint8_t* out, size_t maxBytes) {
  const int room = static_cast<int>(maxBytes < kMaxPacketBytes ? maxBytes : kMaxPacketBytes);
  const opus_int32 bytes = opus_encode(encoder_, pcm, frameSamples_, out, room);
  if (bytes < 0) check(bytes, "opus_encode");
  return static_cast<size_t>(bytes);
}

ToneSource::ToneSource(double frequencyHz, int sampleRate, int channels, double amplitude)
    : step_(2 * M_PI * frequencyHz / sampleRate), channels_(channels), amplitude_(amplitude) {}

void ToneSource::fill(int16_t* pcm, int frames) {
  for (int i = 0; i < frames; ++i) {
    const auto sample = static_cast<int16_t>(std::lround(amplitude_ * 32767 * std::sin(phase_)));
    for (int c = 0; c < channels_; ++c) pcm[i * channels_ + c] = sample;
    phase_ += step_;
    if (phase_ > 2 * M_PI) phase_ -= 2 * M_PI;
  }
}

}  // namespace media
