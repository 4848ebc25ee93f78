#pragma once
// The capture stage: grab a BGRA frame from a source and convert it into the
// encoder's pixel format. Its timing covers both, as the stats' stage split says.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "media/av_frame.h"
#include "media/color_converter.h"
#include "media/frame_source.h"

namespace media {

struct CaptureOptions {
  std::string source = "synthetic";
  int width = 0;
  int height = 0;
  AVPixelFormat pixelFormat = AV_PIX_FMT_YUV420P;
  ColorConverter::Method convertMethod = ColorConverter::Method::kFast;
  int convertThreads = 1;  // swscale only
};

struct CaptureResult {
  uint64_t frameIndex = 0;
  int64_t startUs = 0;  // monotonic clock, when the grab began
  int64_t grabUs = 0;
  int64_t convertUs = 0;
  int64_t captureUs = 0;  // grab + convert
  bool repeated = false;
};

class Capture {
 public:
  explicit Capture(const CaptureOptions& options);
  CaptureResult capture();
  // The converted frame of the last capture(); valid until the next one.
  const AVFrame* frame() const { return frame_.get(); }
  const uint8_t* bgra() const { return bgra_.data(); }
  int bgraStride() const { return bgraStride_; }
  int width() const { return source_->width(); }
  int height() const { return source_->height(); }

 private:
  std::unique_ptr<FrameSource> source_;
  ColorConverter converter_;
  std::vector<uint8_t> bgra_;
  int bgraStride_;
  AvFramePtr frame_;
  uint64_t nextFrameIndex_ = 0;
};

std::unique_ptr<FrameSource> makeFrameSource(const std::string& kind, int width, int height);

}  // namespace media
