#include "media/opus_decoder.h"

#include <opus.h>
#include <opus_multistream.h>

#include <limits>
#include <string>

#include "media/media_error.h"

namespace media {

OpusAudioDecoder::OpusAudioDecoder(const OpusDecoderOptions& o)
    : channels_(o.channels), pcm_(static_cast<size_t>(kMaxFrameSamples) * o.channels) {
  const bool defaultLayout = o.streams == 0;
  if (o.sampleRate != 48000 || o.channels < 1 || o.channels > 8 ||
      (defaultLayout && o.channels > 2)) {
    throw MediaError(code::kInvalidArgument,
                     "opus decoder: 48000 Hz, 1 or 2 channels, or up to 8 with a stream layout");
  }
  if (!defaultLayout && (o.coupledStreams < 0 || o.coupledStreams > o.streams ||
                         o.mapping.size() != static_cast<size_t>(o.channels))) {
    throw MediaError(code::kInvalidArgument,
                     "opus decoder: 0 <= coupledStreams <= streams, one mapping per channel");
  }
  const int streams = defaultLayout ? 1 : o.streams;
  const int coupled = defaultLayout ? (o.channels == 2 ? 1 : 0) : o.coupledStreams;
  const std::vector<uint8_t> mapping = defaultLayout ? std::vector<uint8_t>{0, 1} : o.mapping;
  int status = OPUS_OK;
  decoder_ = opus_multistream_decoder_create(o.sampleRate, o.channels, streams, coupled,
                                             mapping.data(), &status);
  if (status != OPUS_OK || decoder_ == nullptr) {
    throw MediaError(code::kDecoderFailed,
                     std::string("opus: opus_decoder_create: ") + opus_strerror(status));
  }
}

OpusAudioDecoder::~OpusAudioDecoder() { opus_multistream_decoder_destroy(decoder_); }

int OpusAudioDecoder::decode(const uint8_t* packet, size_t bytes) {
  // libopus reads an empty packet as a lost one: say so instead of guessing.
  if (bytes == 0) {
    throw MediaError(code::kInvalidArgument, "opus decoder: empty packet (use decodeLost)");
  }
  if (bytes > static_cast<size_t>(std::numeric_limits<opus_int32>::max())) {
    throw MediaError(code::kInvalidArgument, "opus decoder: packet too large");
  }
  return finish(opus_multistream_decode(decoder_, packet, static_cast<opus_int32>(bytes),
                                        pcm_.data(), kMaxFrameSamples, 0),
                "opus_decode");
}

int OpusAudioDecoder::decodeLost(int samplesPerChannel) {
  // libopus conceals in whole 2.5 ms steps (120 samples at 48 kHz).
  if (samplesPerChannel < 120 || samplesPerChannel > kMaxFrameSamples ||
      samplesPerChannel % 120 != 0) {
    throw MediaError(code::kInvalidArgument,
                     "opus decoder: samplesPerChannel must be a multiple of 120 in 120..5760");
  }
  return finish(opus_multistream_decode(decoder_, nullptr, 0, pcm_.data(), samplesPerChannel, 0),
                "opus_decode (loss concealment)");
}

int OpusAudioDecoder::finish(int status, const char* what) {
  if (status < 0) {
    throw MediaError(code::kDecoderFailed,
                     std::string("opus: ") + what + ": " + opus_strerror(status));
  }
  return status;
}

}  // namespace media
