#pragma once
// Video decoder over libavcodec: clients and tests use it to prove that what
// the host sends decodes, and which frame it was (the drawn frame counter).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "media/av_frame.h"

namespace media {

struct DecodedFrameInfo {
  int width = 0;
  int height = 0;
  bool keyframe = false;
  std::string pixelFormat;               // FFmpeg's name: yuv420p, yuv444p, ...
  std::optional<uint32_t> frameCounter;  // nullopt: no readable counter
};

struct DecodeResult {
  std::vector<DecodedFrameInfo> frames;
  int64_t decodeUs = 0;
};

class Decoder {
 public:
  Decoder(const std::string& codec, int threads);
  ~Decoder();
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Decodes one access unit (Annex B; AV1: a temporal unit of OBUs); throws
  // DECODER_FAILED on corrupt data.
  DecodeResult decode(const uint8_t* data, size_t size);
  DecodeResult flush();
  // The luma plane of the last decoded frame, rows packed (width bytes each).
  std::vector<uint8_t> lastLuma() const;
  // The last decoded frame as packed RGB24 (BT.601 limited range, what the
  // host's converter writes): tests check colours at places on the screen.
  std::vector<uint8_t> lastRgb() const;

 private:
  DecodeResult drain(int64_t startUs);

  AvCodecContextPtr context_;
  AvPacketPtr packet_;
  AvFramePtr frame_;
  AvFramePtr last_;
};

}  // namespace media
