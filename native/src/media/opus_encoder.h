#pragma once
// GameStream's audio codec: Opus at 48 kHz, constant bitrate (the client's
// audio FEC needs every packet of a block the same size), restricted
// low-delay mode, one packet per 5 ms (240 samples). Always the multistream
// encoder: stereo is one coupled stream (its packets are plain Opus packets),
// 5.1 and 7.1 are the layouts the host lists in DESCRIBE (surround-params).
// Plus a test-tone source so the audio path can run, and be checked, without
// a sound card.
#include <cstddef>
#include <cstdint>
#include <vector>

struct OpusMSEncoder;  // libopus

namespace media {

struct OpusEncoderOptions {
  int sampleRate = 48000;
  int channels = 2;
  int frameSamples = 240;  // per channel: 5 ms at 48 kHz
  int bitrateBps = 96000;  // Sunshine's stereo rate: 60 bytes a 5 ms packet
  // The multistream layout: streams (coupled ones first) and, per input
  // channel, its coded channel. streams 0: the default for 1 or 2 channels.
  int streams = 0;
  int coupledStreams = 0;
  std::vector<uint8_t> mapping;
};

// The layout's bitrate ceiling: libopus's 510 kb/s for mono and stereo,
// 256 kb/s a channel beyond (Sunshine's high-quality 7.1 is 2048 kb/s).
int maxOpusBitrateBps(int channels);

class OpusAudioEncoder {
 public:
  static constexpr size_t kMaxPacketBytes = 1400;

  // Throws INVALID_ARGUMENT for unsupported options, ENCODER_FAILED if
  // libopus refuses them.
  explicit OpusAudioEncoder(const OpusEncoderOptions& options);
  ~OpusAudioEncoder();
  OpusAudioEncoder(const OpusAudioEncoder&) = delete;
  OpusAudioEncoder& operator=(const OpusAudioEncoder&) = delete;

  // pcm: frameSamples() x channels() interleaved samples. Returns the packet
  // length written to out (at most maxBytes). Throws ENCODER_FAILED.
  size_t encode(const int16_t* pcm, uint8_t* out, size_t maxBytes);

  int frameSamples() const { return frameSamples_; }
  int channels() const { return channels_; }
  int sampleRate() const { return sampleRate_; }

 private:
  ::OpusMSEncoder* encoder_ = nullptr;
  int sampleRate_;
  int channels_;
  int frameSamples_;
};

// A sine tone on every channel, phase-continuous across calls.
class ToneSource {
 public:
  ToneSource(double frequencyHz, int sampleRate, int channels, double amplitude = 0.25);
  // Writes `frames` x channels interleaved samples.
  void fill(int16_t* pcm, int frames);

 private:
  double step_;
  double phase_ = 0;
  int channels_;
  double amplitude_;
};

}  // namespace media
