#include "media/opus_encoder.h"

#include <opus.h>
#include <opus_multistream.h>

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

int maxOpusBitrateBps(int channels) { return channels <= 2 ? 510000 : 256000 * channels; }

namespace {

void checkOptions(const OpusEncoderOptions& o) {
  if (o.sampleRate != 48000 || o.channels < 1 || o.channels > 8) {
    throw MediaError(code::kInvalidArgument, "opus: 48000 Hz, 1 to 8 channels");
  }
  // Opus frame lengths at 48 kHz: 2.5, 5, 10, 20 ms.
  if (o.frameSamples != 120 && o.frameSamples != 240 && o.frameSamples != 480 &&
      o.frameSamples != 960) {
    throw MediaError(code::kInvalidArgument, "opus: frameSamples must be 120, 240, 480 or 960");
  }
  const int maxBps = maxOpusBitrateBps(o.channels);
  if (o.bitrateBps < 6000 || o.bitrateBps > maxBps) {
    throw MediaError(code::kInvalidArgument,
                     "opus: bitrateBps must be 6000.." + std::to_string(maxBps));
  }
  if (o.streams == 0 && o.channels > 2) {
    throw MediaError(code::kInvalidArgument, "opus: more than 2 channels need a stream layout");
  }
  if (o.streams != 0 && (o.streams < 1 || o.coupledStreams < 0 || o.coupledStreams > o.streams ||
                         o.mapping.size() != static_cast<size_t>(o.channels))) {
    throw MediaError(code::kInvalidArgument,
                     "opus: streams >= 1, 0 <= coupledStreams <= streams, one mapping per channel");
  }
}

}  // namespace

OpusAudioEncoder::OpusAudioEncoder(const OpusEncoderOptions& o)
    : sampleRate_(o.sampleRate), channels_(o.channels), frameSamples_(o.frameSamples) {
  checkOptions(o);
  // Mono and stereo: one stream, coupled for stereo, channels in order.
  const bool defaultLayout = o.streams == 0;
  const int streams = defaultLayout ? 1 : o.streams;
  const int coupled = defaultLayout ? (o.channels == 2 ? 1 : 0) : o.coupledStreams;
  const std::vector<uint8_t> mapping = defaultLayout ? std::vector<uint8_t>{0, 1} : o.mapping;
  int status = OPUS_OK;
  // Restricted low-delay: CELT only, no SILK look-ahead; what GameStream hosts use.
  encoder_ =
      opus_multistream_encoder_create(o.sampleRate, o.channels, streams, coupled, mapping.data(),
                                      OPUS_APPLICATION_RESTRICTED_LOWDELAY, &status);
  check(status, "opus_multistream_encoder_create");
  try {
    check(opus_multistream_encoder_ctl(encoder_, OPUS_SET_BITRATE(o.bitrateBps)),
          "OPUS_SET_BITRATE");
    check(opus_multistream_encoder_ctl(encoder_, OPUS_SET_VBR(0)), "OPUS_SET_VBR");
  } catch (...) {
    opus_multistream_encoder_destroy(encoder_);
    throw;
  }
}

OpusAudioEncoder::~OpusAudioEncoder() { opus_multistream_encoder_destroy(encoder_); }

size_t OpusAudioEncoder::encode(const int16_t* pcm, uint8_t* out, size_t maxBytes) {
  const int room = static_cast<int>(maxBytes < kMaxPacketBytes ? maxBytes : kMaxPacketBytes);
  const opus_int32 bytes = opus_multistream_encode(encoder_, pcm, frameSamples_, out, room);
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
