#pragma once
// The capture stage: grab a BGRA frame from a source and convert it into the
// encoder's pixel format and size. Its timing covers both, as the stats'
// stage split says.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "media/av_frame.h"
#include "media/color_converter.h"
#include "media/frame_source.h"
#include "media/pipewire_source.h"
#include "media/wlr_screencopy_source.h"

namespace media {

struct CaptureOptions {
  std::string source = "synthetic";  // "synthetic" | "x11" | "pipewire" | "wlr"
  std::string display;               // x11: empty means $DISPLAY
  bool cursor = true;                // x11: draw the pointer into the frame
  int width = 0;                     // output (encoder) size; the source may differ
  int height = 0;
  AVPixelFormat pixelFormat = AV_PIX_FMT_YUV420P;
  ColorConverter::Method convertMethod = ColorConverter::Method::kFast;
  int convertThreads = 1;          // swscale only
  PipeWireSourceOptions pipewire;  // pipewire only
  WlrScreencopySourceOptions wlr;  // wlr only
};

struct CaptureResult {
  uint64_t frameIndex = 0;
  int64_t startUs = 0;  // monotonic clock, when the grab began
  int64_t grabUs = 0;
  int64_t convertUs = 0;
  int64_t captureUs = 0;  // grab + convert
  // The source saw no change: nothing was grabbed or converted, and frame()
  // is the previous picture (the encoder codes it again, cheaply).
  bool repeated = false;
};

class Capture {
 public:
  explicit Capture(const CaptureOptions& options);
  CaptureResult capture();
  // The converted frame of the last capture(); valid until the next one.
  const AVFrame* frame() const { return frame_.get(); }
  // The last grabbed BGRA frame (source size), wherever the source put it;
  // null before the first capture().
  const uint8_t* bgra() const { return lastPixels_; }
  int bgraStride() const { return lastStrideBytes_; }
  int sourceWidth() const { return source_->width(); }
  int sourceHeight() const { return source_->height(); }
  int width() const { return frame_->width; }
  int height() const { return frame_->height; }
  const ContentRect& contentRect() const { return converter_->contentRect(); }
  const char* mode() const { return source_->mode(); }

 private:
  void followSourceFormat();

  CaptureOptions options_;
  std::unique_ptr<FrameSource> source_;
  std::unique_ptr<ColorConverter> converter_;
  std::vector<uint8_t> bgra_;  // only for sources that write into our buffer
  int bgraStride_;
  AvFramePtr frame_;
  uint64_t nextFrameIndex_ = 0;
  bool haveFrame_ = false;
  const uint8_t* lastPixels_ = nullptr;
  int lastStrideBytes_ = 0;
};

std::unique_ptr<FrameSource> makeFrameSource(const CaptureOptions& options);

}  // namespace media
