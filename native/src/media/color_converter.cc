#include "media/color_converter.h"

#include <algorithm>
#include <cmath>
#include <cstring>

extern "C" {
#include <libavutil/buffer.h>
#include <libavutil/frame.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include "media/av_frame.h"
#include "media/bgra_to_yuv.h"
#include "media/media_error.h"

namespace media {
namespace {

// Limited-range black, the bars around a picture of another aspect ratio.
constexpr uint8_t kBlackY = 16;
constexpr uint8_t kNeutralChroma = 128;

// The caller owns the pixels a view wraps; freeing the view frees nothing.
void keepPixels(void*, uint8_t*) {}

void fillRows(uint8_t* plane, int linesize, int x, int y, int widthBytes, int rows, uint8_t value) {
  if (widthBytes <= 0) return;
  for (int row = y; row < y + rows; ++row) {
    std::memset(plane + static_cast<ptrdiff_t>(row) * linesize + x, value, widthBytes);
  }
}

// Fills a plane outside `r` (in that plane's units) with `value`.
void fillAround(uint8_t* plane, int linesize, int planeWidth, int planeHeight, const ContentRect& r,
                uint8_t value) {
  fillRows(plane, linesize, 0, 0, planeWidth, r.y, value);
  fillRows(plane, linesize, 0, r.y + r.height, planeWidth, planeHeight - r.y - r.height, value);
  fillRows(plane, linesize, 0, r.y, r.x, r.height, value);
  fillRows(plane, linesize, r.x + r.width, r.y, planeWidth - r.x - r.width, r.height, value);
}

// swscale's names for the byte orders (its "0" is the ignored fourth byte).
AVPixelFormat swscaleFormatOf(PixelOrder order) {
  switch (order) {
    case PixelOrder::kRgbx:
      return AV_PIX_FMT_RGB0;
    case PixelOrder::kXrgb:
      return AV_PIX_FMT_0RGB;
    case PixelOrder::kXbgr:
      return AV_PIX_FMT_0BGR;
    default:
      return AV_PIX_FMT_BGRA;
  }
}

}  // namespace

ContentRect fitContentRect(int srcWidth, int srcHeight, int outWidth, int outHeight) {
  // Doubles, evaluated in the same order as the TypeScript twin, so both
  // round the same way (x.5 cases included: both round half up for positives).
  const double scale = std::min(static_cast<double>(outWidth) / srcWidth,
                                static_cast<double>(outHeight) / srcHeight);
  ContentRect r;
  r.width = std::min(outWidth, 2 * static_cast<int>(std::round(srcWidth * scale / 2)));
  r.height = std::min(outHeight, 2 * static_cast<int>(std::round(srcHeight * scale / 2)));
  r.x = 2 * ((outWidth - r.width) / 4);
  r.y = 2 * ((outHeight - r.height) / 4);
  return r;
}

ColorConverter::ColorConverter(int srcWidth, int srcHeight, int dstWidth, int dstHeight,
                               AVPixelFormat dstFormat, Method method, int threads,
                               PixelOrder order)
    : srcWidth_(srcWidth),
      srcHeight_(srcHeight),
      dstWidth_(dstWidth),
      dstHeight_(dstHeight),
      dstFormat_(dstFormat),
      method_(method),
      order_(order),
      rect_(fitContentRect(srcWidth, srcHeight, dstWidth, dstHeight)) {
  const bool sameSize = srcWidth == dstWidth && srcHeight == dstHeight;
  const bool evenSource = srcWidth % 2 == 0 && srcHeight % 2 == 0;
  const bool yuv444 = dstFormat == AV_PIX_FMT_YUV444P;
  const bool fastFormat = dstFormat == AV_PIX_FMT_YUV420P || dstFormat == AV_PIX_FMT_NV12;
  if (method_ == Method::kFast && !((evenSource && fastFormat) || yuv444)) {
    method_ = Method::kSwscale;
  }
  if (method_ == Method::kFast && sameSize) return;
  if (method_ == Method::kFast) {
    // Scaling after our own colour conversion: swscale's BGRA input path is
    // the expensive part of a scaled conversion, its YUV scaler is not.
    const AVPixelFormat planar = yuv444 ? AV_PIX_FMT_YUV444P : AV_PIX_FMT_YUV420P;
    intermediate_ = allocateVideoFrame(srcWidth, srcHeight, planar);
    initSwscale(planar, SWS_BILINEAR, threads);
    return;
  }
  // Same size, SWS_AREA: chroma is the 2x2 box average (the fast path does
  // the same) and luma is exact. SWS_FAST_BILINEAR was measured to shift luma
  // by up to 63 code values at 1:1 on detailed content, so it is not used.
  // Scaling, SWS_BILINEAR: swscale widens its filter with the scale factor,
  // so downscaled text stays legible, at a fraction of bicubic's cost.
  initSwscale(swscaleFormatOf(order), sameSize ? SWS_AREA : SWS_BILINEAR, threads);
}

void SwsContextDeleter::operator()(SwsContext* context) const { sws_freeContext(context); }

void ColorConverter::initSwscale(AVPixelFormat srcFormat, int flags, int threads) {
  sws_.reset(sws_alloc_context());
  srcView_.reset(av_frame_alloc());
  dstView_.reset(av_frame_alloc());
  // No cleanup on a throw: the constructor fails and the members made so far free themselves.
  if (!sws_ || !srcView_ || !dstView_) throw MediaError(code::kOutOfMemory, "swscale context");
  SwsContext* sws = sws_.get();
  av_opt_set_int(sws, "srcw", srcWidth_, 0);
  av_opt_set_int(sws, "srch", srcHeight_, 0);
  av_opt_set_int(sws, "src_format", srcFormat, 0);
  av_opt_set_int(sws, "dstw", rect_.width, 0);
  av_opt_set_int(sws, "dsth", rect_.height, 0);
  av_opt_set_int(sws, "dst_format", dstFormat_, 0);
  av_opt_set_int(sws, "sws_flags", flags, 0);
  av_opt_set_int(sws, "threads", threads, 0);
  const int ret = sws_init_context(sws, nullptr, nullptr);
  if (ret < 0) throw MediaError(code::kConverterFailed, "swscale init: " + describeAvError(ret));
}

ColorConverter::~ColorConverter() = default;

void ColorConverter::convertFast(const uint8_t* bgra, int strideBytes, AVFrame* dst) const {
  const YuvPlanes planes{dst->data[0],     dst->linesize[0], dst->data[1],
                         dst->linesize[1], dst->data[2],     dst->linesize[2]};
  if (dst->format == AV_PIX_FMT_NV12) {
    bgraToNv12(bgra, strideBytes, dst->width, dst->height, planes, order_);
  } else if (dst->format == AV_PIX_FMT_YUV444P) {
    bgraToI444(bgra, strideBytes, dst->width, dst->height, planes, order_);
  } else {
    bgraToI420(bgra, strideBytes, dst->width, dst->height, planes, order_);
  }
}

// The bars never change, so they are painted once per output buffer (a new
// buffer from av_frame_make_writable is a copy and has them already; this is
// the guard for one that is not).
void ColorConverter::paintBarsOnce(AVFrame* dst) {
  if (dst->data[0] == barsPaintedIn_) return;
  barsPaintedIn_ = dst->data[0];
  if (rect_.width == dstWidth_ && rect_.height == dstHeight_) return;
  fillAround(dst->data[0], dst->linesize[0], dstWidth_, dstHeight_, rect_, kBlackY);
  if (dstFormat_ == AV_PIX_FMT_YUV444P) {
    for (int p = 1; p <= 2; ++p) {
      fillAround(dst->data[p], dst->linesize[p], dstWidth_, dstHeight_, rect_, kNeutralChroma);
    }
    return;
  }
  const ContentRect half{rect_.x / 2, rect_.y / 2, rect_.width / 2, rect_.height / 2};
  if (dstFormat_ == AV_PIX_FMT_NV12) {
    // Interleaved U and V: each chroma sample is two bytes wide.
    const ContentRect uv{rect_.x, half.y, rect_.width, half.height};
    fillAround(dst->data[1], dst->linesize[1], dstWidth_, dstHeight_ / 2, uv, kNeutralChroma);
    return;
  }
  for (int p = 1; p <= 2; ++p) {
    fillAround(dst->data[p], dst->linesize[p], dstWidth_ / 2, dstHeight_ / 2, half, kNeutralChroma);
  }
}

// Scales `src` (reference-counted, source size) into dst's content rectangle.
void ColorConverter::scaleInto(AVFrame* src, AVFrame* dst) {
  // The output view is the frame's own buffers, offset to the content rectangle.
  AVFrame* view = dstView_.get();
  int ret = av_frame_ref(view, dst);
  if (ret < 0) throw MediaError(code::kOutOfMemory, "swscale output view: " + describeAvError(ret));
  // NV12's interleaved chroma is as many bytes wide as luma; 4:4:4's is full size.
  const bool fullChroma = dstFormat_ == AV_PIX_FMT_YUV444P;
  const int chromaX = dstFormat_ == AV_PIX_FMT_NV12 || fullChroma ? rect_.x : rect_.x / 2;
  const int chromaY = fullChroma ? rect_.y : rect_.y / 2;
  view->data[0] += static_cast<ptrdiff_t>(rect_.y) * dst->linesize[0] + rect_.x;
  for (int p = 1; p <= 2 && view->data[p]; ++p) {
    view->data[p] += static_cast<ptrdiff_t>(chromaY) * dst->linesize[p] + chromaX;
  }
  view->width = rect_.width;
  view->height = rect_.height;
  // sws_scale_frame runs the slices on swscale's own thread pool.
  ret = sws_scale_frame(sws_.get(), view, src);
  av_frame_unref(view);
  if (ret < 0) throw MediaError(code::kConverterFailed, "swscale: " + describeAvError(ret));
}

void ColorConverter::convertSwscale(const uint8_t* bgra, int strideBytes, AVFrame* dst) {
  // sws_scale_frame takes a reference to its input; a frame without buffers
  // would be copied whole to make one, so the caller's pixels (an X SHM
  // segment) are wrapped in a buffer that frees nothing.
  AVFrame* view = srcView_.get();
  view->buf[0] =
      av_buffer_create(const_cast<uint8_t*>(bgra), static_cast<size_t>(strideBytes) * srcHeight_,
                       keepPixels, nullptr, AV_BUFFER_FLAG_READONLY);
  if (!view->buf[0]) throw MediaError(code::kOutOfMemory, "swscale source view");
  view->data[0] = const_cast<uint8_t*>(bgra);
  view->linesize[0] = strideBytes;
  view->format = swscaleFormatOf(order_);
  view->width = srcWidth_;
  view->height = srcHeight_;
  try {
    scaleInto(view, dst);
  } catch (...) {
    av_frame_unref(view);
    throw;
  }
  av_frame_unref(view);
}

void ColorConverter::convert(const uint8_t* bgra, int strideBytes, AVFrame* dst) {
  if (!sws_) return convertFast(bgra, strideBytes, dst);
  paintBarsOnce(dst);
  if (!intermediate_) return convertSwscale(bgra, strideBytes, dst);
  convertFast(bgra, strideBytes, intermediate_.get());
  scaleInto(intermediate_.get(), dst);
}

}  // namespace media
