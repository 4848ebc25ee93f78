#include "media/capture.h"

#include "media/clock.h"
#include "media/media_error.h"
#include "media/synthetic_source.h"

namespace media {

std::unique_ptr<FrameSource> makeFrameSource(const std::string& kind, int width, int height) {
  if (kind == "synthetic") return std::make_unique<SyntheticSource>(width, height);
  throw MediaError(code::kInvalidArgument, "unknown frame source '" + kind + "'");
}

Capture::Capture(const CaptureOptions& options)
    : source_(makeFrameSource(options.source, options.width, options.height)),
      converter_(options.width, options.height, options.pixelFormat, options.convertMethod,
                 options.convertThreads),
      // 64-byte rows keep swscale's SIMD input loads aligned.
      bgraStride_((options.width * 4 + 63) & ~63),
      frame_(allocateVideoFrame(options.width, options.height, options.pixelFormat)) {
  bgra_.resize(static_cast<size_t>(bgraStride_) * options.height);
}

CaptureResult Capture::capture() {
  CaptureResult result;
  result.frameIndex = nextFrameIndex_++;
  StageTimer total;
  result.startUs = total.startUs();
  const GrabResult grab = source_->grab(result.frameIndex, bgra_.data(), bgraStride_);
  result.repeated = grab.repeated;
  result.grabUs = total.elapsedUs();
  // An encoder may still hold a reference to the previous frame's buffers;
  // then we get fresh ones instead of overwriting what it reads.
  const int ret = av_frame_make_writable(frame_.get());
  if (ret < 0) throw MediaError(code::kOutOfMemory, "frame buffer: " + describeAvError(ret));
  converter_.convert(bgra_.data(), bgraStride_, frame_.get());
  result.captureUs = total.elapsedUs();
  result.convertUs = result.captureUs - result.grabUs;
  return result;
}

}  // namespace media
