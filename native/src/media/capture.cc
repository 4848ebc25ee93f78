#include "media/capture.h"

#include "media/clock.h"
#include "media/media_error.h"
#include "media/synthetic_source.h"
#include "media/x11_source.h"

namespace media {

std::unique_ptr<FrameSource> makeFrameSource(const CaptureOptions& o) {
  if (o.source == "synthetic") return std::make_unique<SyntheticSource>(o.width, o.height);
  if (o.source == "x11") return std::make_unique<X11Source>(X11SourceOptions{o.display, o.cursor});
  throw MediaError(code::kInvalidArgument, "unknown frame source '" + o.source + "'");
}

Capture::Capture(const CaptureOptions& options)
    : source_(makeFrameSource(options)),
      converter_(source_->width(), source_->height(), options.width, options.height,
                 options.pixelFormat, options.convertMethod, options.convertThreads),
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
  converter_.convert(lastPixels_, lastStrideBytes_, frame_.get());
  haveFrame_ = true;
  result.captureUs = total.elapsedUs();
  result.convertUs = result.captureUs - result.grabUs;
  return result;
}

}  // namespace media
