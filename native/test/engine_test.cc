// Plain C++ checks of the engine, without Node: the frame counter survives a
// round trip through the real encoder and decoder, and bad options throw codes.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "check.h"
#include "media/capture.h"
#include "media/color_converter.h"
#include "media/decoder.h"
#include "media/encoder.h"
#include "media/frame_counter.h"
#include "media/media_error.h"
#include "media/synthetic_source.h"

namespace {

using testkit::check;

void counterRoundTrip() {
  const int w = 640, h = 64;
  std::vector<uint8_t> bgra(static_cast<size_t>(w) * h * 4, 0x80);
  media::drawFrameCounter(bgra.data(), w * 4, w, h, 0xDEADBEEF);
  // Luma of pure black/white cells is 0/255 here; exact enough for the reader.
  std::vector<uint8_t> luma(static_cast<size_t>(w) * h);
  for (size_t i = 0; i < luma.size(); ++i) luma[i] = bgra[i * 4 + 1];
  const auto counter = media::readFrameCounter(luma.data(), w, w, h);
  check(counter && *counter == 0xDEADBEEF, "frame counter reads back from raw pixels");
  luma[w * 4 + 20] ^= 0;  // untouched
  std::vector<uint8_t> grey(luma.size(), 0x80);
  check(!media::readFrameCounter(grey.data(), w, w, h), "no counter in a plain grey frame");
}

void encodeDecodeRoundTrip() {
  media::EncoderOptions eo;
  eo.backend = "software";
  eo.width = 640;
  eo.height = 360;
  eo.fps = 30;
  eo.bitrateKbps = 3000;
  media::Encoder encoder(eo);
  media::CaptureOptions co;
  co.width = eo.width;
  co.height = eo.height;
  co.pixelFormat = encoder.info().pixelFormat;
  media::Capture capture(co);  // fast converter by default
  media::Decoder decoder("h264", 1);
  int decodedInOrder = 0;
  for (int i = 0; i < 10; ++i) {
    capture.capture();
    encoder.submit(capture.frame(), i == 5);
    media::CollectResult r = encoder.collect();
    if (!r.packet) continue;
    for (const auto& f : decoder.decode(r.packet->data(), r.packet->size()).frames) {
      if (f.frameCounter && *f.frameCounter == static_cast<uint32_t>(decodedInOrder)) {
        ++decodedInOrder;
      }
    }
  }
  check(decodedInOrder == 10, "10 frames encode, decode and read back in order");
}

void badOptionsThrowCodes() {
  media::EncoderOptions eo;
  eo.codec = "vp9";
  eo.width = 64;
  eo.height = 64;
  try {
    media::Encoder encoder(eo);
    check(false, "unknown codec throws");
  } catch (const media::MediaError& e) {
    check(e.code() == media::code::kInvalidArgument, "unknown codec throws INVALID_ARGUMENT");
  }
}

// The fast converter must produce what libswscale produces (the reference).
void convertersAgree(AVPixelFormat format, const char* name) {
  const int w = 1280, h = 720;
  media::SyntheticSource source(w, h);
  std::vector<uint8_t> bgra(static_cast<size_t>(w) * h * 4);
  source.grab(42, bgra.data(), w * 4);
  media::AvFramePtr fast = media::allocateVideoFrame(w, h, format);
  media::AvFramePtr reference = media::allocateVideoFrame(w, h, format);
  media::ColorConverter(w, h, format, media::ColorConverter::Method::kFast, 1)
      .convert(bgra.data(), w * 4, fast.get());
  media::ColorConverter(w, h, format, media::ColorConverter::Method::kSwscale, 1)
      .convert(bgra.data(), w * 4, reference.get());
  const int planes = format == AV_PIX_FMT_NV12 ? 2 : 3;
  int worst = 0;
  for (int p = 0; p < planes; ++p) {
    int maxDiff = 0;
    double sumDiff = 0;
    size_t n = 0;
    const int rows = p == 0 ? h : h / 2;
    const int bytes = p == 0 || format == AV_PIX_FMT_NV12 ? w : w / 2;
    for (int y = 0; y < rows; ++y) {
      for (int x = 0; x < bytes; ++x) {
        const int d = std::abs(fast->data[p][y * fast->linesize[p] + x] -
                               reference->data[p][y * reference->linesize[p] + x]);
        maxDiff = std::max(maxDiff, d);
        sumDiff += d;
        ++n;
      }
    }
    std::printf("     %s plane %d: max |fast - swscale| = %d, mean %.3f\n", name, p, maxDiff,
                sumDiff / n);
    worst = std::max(worst, maxDiff);
  }
  check(worst <= 1, std::string(name) + ": fast converter matches libswscale within 1 code value");
}

}  // namespace

int main() {
  counterRoundTrip();
  encodeDecodeRoundTrip();
  badOptionsThrowCodes();
  convertersAgree(AV_PIX_FMT_YUV420P, "yuv420p");
  convertersAgree(AV_PIX_FMT_NV12, "nv12");
  return testkit::finish();
}
