#pragma once
// Opus decoding for punktfunk's own GameStream test client: it turns the
// host's audio packets back into PCM so a test can check what was heard
// (the tone's frequency), and conceals lost packets as a real client would.
#include <cstddef>
#include <cstdint>
#include <vector>

struct OpusMSDecoder;  // libopus

namespace media {

struct OpusDecoderOptions {
  int sampleRate = 48000;
  int channels = 2;
  // The multistream layout, as the host listed it (surround-params); streams
  // 0: one stream for 1 or 2 channels. Output channel i is coded channel mapping[i].
  int streams = 0;
  int coupledStreams = 0;
  std::vector<uint8_t> mapping;
};

class OpusAudioDecoder {
 public:
  // The longest Opus packet: 120 ms at 48 kHz, per channel.
  static constexpr int kMaxFrameSamples = 5760;

  // Throws INVALID_ARGUMENT (48000 Hz, 1 to 8 channels, more than 2 with a
  // layout) or DECODER_FAILED.
  explicit OpusAudioDecoder(const OpusDecoderOptions& options);
  ~OpusAudioDecoder();
  OpusAudioDecoder(const OpusAudioDecoder&) = delete;
  OpusAudioDecoder& operator=(const OpusAudioDecoder&) = delete;

  // Decodes one packet into pcm(); returns the samples per channel. Throws
  // INVALID_ARGUMENT for an empty packet (that is decodeLost()'s job) and
  // DECODER_FAILED with libopus's reason for a malformed one.
  int decode(const uint8_t* packet, size_t bytes);
  // Packet-loss concealment for samplesPerChannel (a multiple of 2.5 ms, at
  // most kMaxFrameSamples) into pcm(); returns the samples per channel.
  int decodeLost(int samplesPerChannel);

  // Interleaved samples of the last decode: returned count x channels().
  const int16_t* pcm() const { return pcm_.data(); }
  int channels() const { return channels_; }

 private:
  int finish(int status, const char* what);

  ::OpusMSDecoder* decoder_ = nullptr;
  int channels_;
  std::vector<int16_t> pcm_;
};

}  // namespace media
