#pragma once
// BGRA -> YUV420P / NV12. Two methods: "fast" (our vectorised converter, the
// default for same-size conversion) and "swscale" (libswscale, sliced over
// `threads` threads; also the reference the fast path is tested against).
#include <cstdint>

extern "C" {
#include <libavutil/pixfmt.h>
}

struct SwsContext;
struct AVFrame;

namespace media {

class ColorConverter {
 public:
  enum class Method { kFast, kSwscale };
  ColorConverter(int width, int height, AVPixelFormat dstFormat, Method method, int threads);
  ~ColorConverter();
  ColorConverter(const ColorConverter&) = delete;
  ColorConverter& operator=(const ColorConverter&) = delete;

  void convert(const uint8_t* bgra, int strideBytes, AVFrame* dst);

 private:
  void convertFast(const uint8_t* bgra, int strideBytes, AVFrame* dst) const;

  int width_;
  int height_;
  AVPixelFormat dstFormat_;
  Method method_;
  SwsContext* sws_ = nullptr;
  AVFrame* srcView_ = nullptr;  // describes the caller's BGRA buffer; owns nothing
};

}  // namespace media
