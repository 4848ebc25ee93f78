#pragma once
// BGRA -> YUV420P / NV12 / YUV444P, optionally scaled. Same size: "fast" (our
// vectorised converter, the default) or "swscale" (libswscale, sliced over
// `threads` threads; also the reference the fast path is tested against).
// A source of another size (a 1920x1080 desktop streamed at 1280x720) is
// scaled bilinearly by libswscale into a content rectangle that keeps its
// aspect ratio, centred, with black bars around it. "fast" then converts the
// colours at source size first and lets swscale scale only YUV planes: 2.5x
// cheaper than swscale's own BGRA input path (see BENCHMARKS.md, X11 capture).
#include <cstdint>
#include <memory>

#include "media/av_frame.h"
#include "media/bgra_to_yuv.h"

struct SwsContext;

namespace media {

struct SwsContextDeleter {
  void operator()(SwsContext* context) const;
};
using SwsContextPtr = std::unique_ptr<SwsContext, SwsContextDeleter>;

// Where the picture sits in the output frame; all even (4:2:0 chroma).
struct ContentRect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

// The host maps client input through the same formula (TypeScript): change both or neither.
ContentRect fitContentRect(int srcWidth, int srcHeight, int outWidth, int outHeight);

class ColorConverter {
 public:
  enum class Method { kFast, kSwscale };
  // `order`: the source's 32-bit byte order (BGRx from X11 and the synthetic
  // source; PipeWire may deliver the others).
  ColorConverter(int srcWidth, int srcHeight, int dstWidth, int dstHeight, AVPixelFormat dstFormat,
                 Method method, int threads, PixelOrder order = PixelOrder::kBgrx);
  // Same size in and out.
  ColorConverter(int width, int height, AVPixelFormat dstFormat, Method method, int threads)
      : ColorConverter(width, height, width, height, dstFormat, method, threads) {}
  ~ColorConverter();
  ColorConverter(const ColorConverter&) = delete;
  ColorConverter& operator=(const ColorConverter&) = delete;

  // `bgra` is srcWidth x srcHeight; it is read in place, never copied.
  void convert(const uint8_t* bgra, int strideBytes, AVFrame* dst);
  const ContentRect& contentRect() const { return rect_; }
  int srcWidth() const { return srcWidth_; }
  int srcHeight() const { return srcHeight_; }
  PixelOrder pixelOrder() const { return order_; }

 private:
  void convertFast(const uint8_t* bgra, int strideBytes, AVFrame* dst) const;
  void convertSwscale(const uint8_t* bgra, int strideBytes, AVFrame* dst);
  void scaleInto(AVFrame* src, AVFrame* dst);
  void initSwscale(AVPixelFormat srcFormat, int flags, int threads);
  void paintBarsOnce(AVFrame* dst);

  int srcWidth_;
  int srcHeight_;
  int dstWidth_;
  int dstHeight_;
  AVPixelFormat dstFormat_;
  Method method_;
  PixelOrder order_;
  ContentRect rect_;
  SwsContextPtr sws_;        // null: same size, fast
  AvFramePtr intermediate_;  // fast then scaled: the source size in YUV420P
  AvFramePtr srcView_;       // the caller's BGRA pixels; owns nothing
  AvFramePtr dstView_;       // the content rectangle of the output frame
  const uint8_t* barsPaintedIn_ = nullptr;
};

}  // namespace media
