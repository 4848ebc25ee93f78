#include "media/color_converter.h"

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include "media/av_frame.h"
#include "media/bgra_to_yuv.h"
#include "media/media_error.h"

namespace media {

AvFramePtr allocateVideoFrame(int width, int height, AVPixelFormat format) {
  AvFramePtr frame(av_frame_alloc());
  if (!frame) throw MediaError(code::kOutOfMemory, "av_frame_alloc failed");
  frame->width = width;
  frame->height = height;
  frame->format = format;
  const int ret = av_frame_get_buffer(frame.get(), 64);
  if (ret < 0) throw MediaError(code::kOutOfMemory, "frame buffer: " + describeAvError(ret));
  return frame;
}

ColorConverter::ColorConverter(int width, int height, AVPixelFormat dstFormat, Method method,
                               int threads)
    : width_(width), height_(height), dstFormat_(dstFormat), method_(method) {
  const bool fastPossible = width % 2 == 0 && height % 2 == 0 &&
                            (dstFormat == AV_PIX_FMT_YUV420P || dstFormat == AV_PIX_FMT_NV12);
  if (method_ == Method::kFast && !fastPossible) method_ = Method::kSwscale;
  if (method_ == Method::kFast) return;
  sws_ = sws_alloc_context();
  srcView_ = av_frame_alloc();
  if (!sws_ || !srcView_) throw MediaError(code::kOutOfMemory, "swscale context");
  // SWS_AREA: chroma is the 2x2 box average (the fast path does the same) and
  // luma is exact. SWS_FAST_BILINEAR was measured to shift luma by up to 63
  // code values at 1:1 on detailed content, so it is not used.
  av_opt_set_int(sws_, "srcw", width, 0);
  av_opt_set_int(sws_, "srch", height, 0);
  av_opt_set_int(sws_, "src_format", AV_PIX_FMT_BGRA, 0);
  av_opt_set_int(sws_, "dstw", width, 0);
  av_opt_set_int(sws_, "dsth", height, 0);
  av_opt_set_int(sws_, "dst_format", dstFormat, 0);
  av_opt_set_int(sws_, "sws_flags", SWS_AREA, 0);
  av_opt_set_int(sws_, "threads", threads, 0);
  const int ret = sws_init_context(sws_, nullptr, nullptr);
  if (ret < 0) {
    sws_freeContext(sws_);
    av_frame_free(&srcView_);
    throw MediaError(code::kConverterFailed, "swscale init: " + describeAvError(ret));
  }
  srcView_->format = AV_PIX_FMT_BGRA;
  srcView_->width = width;
  srcView_->height = height;
}

ColorConverter::~ColorConverter() {
  sws_freeContext(sws_);
  av_frame_free(&srcView_);
}

void ColorConverter::convertFast(const uint8_t* bgra, int strideBytes, AVFrame* dst) const {
  const YuvPlanes planes{dst->data[0],     dst->linesize[0], dst->data[1],
                         dst->linesize[1], dst->data[2],     dst->linesize[2]};
  if (dstFormat_ == AV_PIX_FMT_NV12) {
    bgraToNv12(bgra, strideBytes, width_, height_, planes);
  } else {
    bgraToI420(bgra, strideBytes, width_, height_, planes);
  }
}

void ColorConverter::convert(const uint8_t* bgra, int strideBytes, AVFrame* dst) {
  if (method_ == Method::kFast) return convertFast(bgra, strideBytes, dst);
  srcView_->data[0] = const_cast<uint8_t*>(bgra);
  srcView_->linesize[0] = strideBytes;
  // sws_scale_frame runs the slices on swscale's own thread pool.
  const int ret = sws_scale_frame(sws_, dst, srcView_);
  srcView_->data[0] = nullptr;
  if (ret < 0) throw MediaError(code::kConverterFailed, "swscale: " + describeAvError(ret));
}

}  // namespace media
