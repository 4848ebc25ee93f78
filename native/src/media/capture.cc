#include "media/capture.h"

#include "media/clock.h"
#include "media/media_error.h"
#include "media/pipewire_source.h"
#include "media/synthetic_source.h"
#include "media/wlr_screencopy_source.h"
#include "media/x11_source.h"

namespace media {

std::unique_ptr<FrameSource> makeFrameSource(const CaptureOptions& o) {
  if (o.source == "synthetic") return std::make_unique<SyntheticSource>(o.width, o.height);
  if (o.source == "x11") return std::make_unique<X11Source>(X11SourceOptions{o.display, o.cursor});
  if (o.source == "pipewire") return std::make_unique<PipeWireSource>(o.pipewire);
  if (o.source == "wlr") return std::make_unique<WlrScreencopySource>(o.wlr);
  throw MediaError(code::kInvalidArgument, "unknown frame source '" + o.source + "'");
}

Capture::Capture(const CaptureOptions& options)
    : options_(options),
      source_(makeFrameSource(options)),
      converter_(std::make_unique<ColorConverter>(
          source_->width(), source_->height(), options.width, options.height, options.pixelFormat,
          options.convertMethod, options.convertThreads, source_->pixelOrder())),
      // 64-byte rows keep swscale's SIMD input loads aligned.
      bgraStride_((source_->width() * 4 + 63) & ~63),
      frame_(allocateVideoFrame(options.width, options.height, options.pixelFormat)) {
  if (source_->needsBuffer()) bgra_.resize(static_cast<size_t>(bgraStride_) * source_->height());
}

CaptureResult Capture::capture() {
  CaptureResult result;
  result.frameIndex = nextFrameIndex_++;
  StageTimer total;
  result.startUs = total.startUs();
  uint8_t* buffer = bgra_.empty() ? nullptr : bgra_.data();
  const GrabResult grab = source_->grab(result.frameIndex, buffer, bgraStride_);
  // Whatever happens below, the source gets its pixels back.
  struct Release {
    FrameSource* source;
    ~Release() { source->releaseFrame(); }
  } release{source_.get()};
  result.grabUs = total.elapsedUs();
  // Nothing changed: frame_ still holds the picture, whoever else references it.
  if (grab.repeated && haveFrame_) {
    result.repeated = true;
    result.captureUs = result.grabUs;
    return result;
  }
  lastPixels_ = grab.pixels ? grab.pixels : buffer;
  lastStrideBytes_ = grab.pixels ? grab.strideBytes : bgraStride_;
  // An encoder may still hold a reference to the previous frame's buffers;
  // then we get fresh ones (a copy) instead of overwriting what it reads.
  const int ret = av_frame_make_writable(frame_.get());
  if (ret < 0) throw MediaError(code::kOutOfMemory, "frame buffer: " + describeAvError(ret));
  followSourceFormat();
  converter_->convert(lastPixels_, lastStrideBytes_, frame_.get());
  haveFrame_ = true;
  result.captureUs = total.elapsedUs();
  result.convertUs = result.captureUs - result.grabUs;
  return result;
}

// A source that changed size or byte order mid-stream (a PipeWire stream
// renegotiated) gets a new converter: the output size stays the client's,
// the picture is fitted into it with its aspect kept, as for X11.
void Capture::followSourceFormat() {
  const ColorConverter& c = *converter_;
  if (c.srcWidth() == source_->width() && c.srcHeight() == source_->height() &&
      c.pixelOrder() == source_->pixelOrder()) {
    return;
  }
  converter_ = std::make_unique<ColorConverter>(
      source_->width(), source_->height(), options_.width, options_.height, options_.pixelFormat,
      options_.convertMethod, options_.convertThreads, source_->pixelOrder());
  // (A new converter paints its bars on its first frame, over the old picture.)
}

}  // namespace media
