// Plain C++ checks of the engine, without Node: the frame counter survives a
// round trip through the real encoder and decoder, and bad options throw codes.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <wayland-client-protocol.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "check.h"
#include "media/capture.h"
#include "media/color_converter.h"
#include "media/decoder.h"
#include "media/encoder.h"
#include "media/frame_counter.h"
#include "media/media_error.h"
#include "media/synthetic_source.h"
#include "media/wlr_screencopy_source.h"
#include "test_media.h"

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
  const media::EncoderOptions eo = testkit::smallSoftwareEncoder();
  media::Encoder encoder(eo);
  media::Capture capture(testkit::captureFor(eo, encoder));  // fast converter by default
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
    const bool full = p == 0 || format == AV_PIX_FMT_YUV444P;
    const int rows = full ? h : h / 2;
    const int bytes = full || format == AV_PIX_FMT_NV12 ? w : w / 2;
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

// A picture of one colour per half (left red, right blue), srcW x srcH BGRA.
std::vector<uint8_t> twoHalves(int w, int h) {
  std::vector<uint8_t> bgra(static_cast<size_t>(w) * h * 4);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &bgra[(static_cast<size_t>(y) * w + x) * 4];
      const bool left = x < w / 2;
      p[0] = left ? 0 : 255;  // B
      p[1] = 0;               // G
      p[2] = left ? 255 : 0;  // R
      p[3] = 255;
    }
  }
  return bgra;
}

// Scaled into the client's mode: NV12 and YUV420P carry the same picture, the
// content rectangle follows the formula, and the bars are black (Y 16, U=V 128).
void scaledConversion() {
  const int sw = 1280, sh = 1024, dw = 1280, dh = 720;  // 5:4 into 16:9: pillarbox
  const media::ContentRect r = media::fitContentRect(sw, sh, dw, dh);
  check(r.x == 190 && r.y == 0 && r.width == 900 && r.height == 720,
        "fitContentRect(1280x1024 -> 1280x720) = 190,0 900x720");
  const std::vector<uint8_t> bgra = twoHalves(sw, sh);
  media::AvFramePtr planar = media::allocateVideoFrame(dw, dh, AV_PIX_FMT_YUV420P);
  media::AvFramePtr nv12 = media::allocateVideoFrame(dw, dh, AV_PIX_FMT_NV12);
  media::ColorConverter(sw, sh, dw, dh, AV_PIX_FMT_YUV420P, media::ColorConverter::Method::kFast, 2)
      .convert(bgra.data(), sw * 4, planar.get());
  media::ColorConverter(sw, sh, dw, dh, AV_PIX_FMT_NV12, media::ColorConverter::Method::kFast, 2)
      .convert(bgra.data(), sw * 4, nv12.get());
  int lumaDiff = 0, chromaDiff = 0;
  for (int y = 0; y < dh; ++y) {
    for (int x = 0; x < dw; ++x) {
      lumaDiff = std::max(lumaDiff, std::abs(planar->data[0][y * planar->linesize[0] + x] -
                                             nv12->data[0][y * nv12->linesize[0] + x]));
    }
  }
  for (int y = 0; y < dh / 2; ++y) {
    for (int x = 0; x < dw / 2; ++x) {
      const uint8_t* uv = &nv12->data[1][y * nv12->linesize[1] + 2 * x];
      chromaDiff =
          std::max(chromaDiff, std::abs(planar->data[1][y * planar->linesize[1] + x] - uv[0]));
      chromaDiff =
          std::max(chromaDiff, std::abs(planar->data[2][y * planar->linesize[2] + x] - uv[1]));
    }
  }
  check(lumaDiff <= 1 && chromaDiff <= 1, "scaled: NV12 and YUV420P carry the same picture");
  const auto luma = [&](int x, int y) { return planar->data[0][y * planar->linesize[0] + x]; };
  const auto cr = [&](int x, int y) {
    return planar->data[2][(y / 2) * planar->linesize[2] + x / 2];
  };
  const auto cb = [&](int x, int y) {
    return planar->data[1][(y / 2) * planar->linesize[1] + x / 2];
  };
  const bool barsBlack =
      luma(10, 360) == 16 && luma(1270, 360) == 16 && cb(10, 360) == 128 && cr(1270, 360) == 128;
  check(barsBlack, "scaled: the pillarbox bars are black (Y 16, U=V 128)");
  // BT.601 limited: red has Cr far above 128, blue has Cb far above 128.
  const bool halvesInPlace =
      cr(r.x + r.width / 4, 360) > 200 && cb(r.x + 3 * r.width / 4, 360) > 200;
  check(halvesInPlace, "scaled: red left and blue right inside the content rectangle");
}

// 4:4:4 scaled into the client's mode: full-size chroma planes, black bars,
// and a colour edge that stays one pixel sharp (no 2x2 chroma average).
void scaledConversion444() {
  const int sw = 1280, sh = 1024, dw = 1280, dh = 720;
  const media::ContentRect r = media::fitContentRect(sw, sh, dw, dh);
  const std::vector<uint8_t> bgra = twoHalves(sw, sh);
  media::AvFramePtr full = media::allocateVideoFrame(dw, dh, AV_PIX_FMT_YUV444P);
  media::ColorConverter(sw, sh, dw, dh, AV_PIX_FMT_YUV444P, media::ColorConverter::Method::kFast, 2)
      .convert(bgra.data(), sw * 4, full.get());
  const auto plane = [&](int p, int x, int y) { return full->data[p][y * full->linesize[p] + x]; };
  check(plane(0, 10, 360) == 16 && plane(1, 10, 360) == 128 && plane(2, 1270, 360) == 128,
        "scaled 4:4:4: the pillarbox bars are black (Y 16, U=V 128)");
  check(plane(2, r.x + r.width / 4, 360) > 200 && plane(1, r.x + 3 * r.width / 4, 360) > 200,
        "scaled 4:4:4: red left and blue right inside the content rectangle");
  // Same size: a one-pixel red column keeps its chroma to itself.
  const int w = 64, h = 16;
  std::vector<uint8_t> grey(static_cast<size_t>(w) * h * 4, 128);
  for (int y = 0; y < h; ++y) {
    uint8_t* p = &grey[(static_cast<size_t>(y) * w + 33) * 4];
    p[0] = 0, p[1] = 0, p[2] = 255;
  }
  media::AvFramePtr same = media::allocateVideoFrame(w, h, AV_PIX_FMT_YUV444P);
  media::ColorConverter(w, h, AV_PIX_FMT_YUV444P, media::ColorConverter::Method::kFast, 1)
      .convert(grey.data(), w * 4, same.get());
  const auto cr = [&](int x) { return same->data[2][4 * same->linesize[2] + x]; };
  check(cr(33) > 230 && cr(32) == 128 && cr(34) == 128,
        "4:4:4: a 1-px red column's chroma stays in its column");
}

// The same picture in each 32-bit byte order PipeWire may deliver converts to
// the same YUV: exactly on the fast path, within a code value through swscale.
void pixelOrdersAgree() {
  const int w = 640, h = 360;
  media::SyntheticSource source(w, h);
  std::vector<uint8_t> bgrx(static_cast<size_t>(w) * h * 4);
  source.grab(7, bgrx.data(), w * 4);
  struct Case {
    media::PixelOrder order;
    int r, g, b;  // byte offsets
  };
  const Case cases[] = {{media::PixelOrder::kRgbx, 0, 1, 2},
                        {media::PixelOrder::kXrgb, 1, 2, 3},
                        {media::PixelOrder::kXbgr, 3, 2, 1}};
  for (const auto method :
       {media::ColorConverter::Method::kFast, media::ColorConverter::Method::kSwscale}) {
    media::AvFramePtr expected = media::allocateVideoFrame(w, h, AV_PIX_FMT_YUV420P);
    media::ColorConverter(w, h, AV_PIX_FMT_YUV420P, method, 1)
        .convert(bgrx.data(), w * 4, expected.get());
    for (const Case& c : cases) {
      std::vector<uint8_t> other(bgrx.size());
      for (size_t i = 0; i < bgrx.size(); i += 4) {
        other[i + c.r] = bgrx[i + 2], other[i + c.g] = bgrx[i + 1], other[i + c.b] = bgrx[i];
        other[i + (6 - c.r - c.g - c.b)] = 0xff;
      }
      media::AvFramePtr got = media::allocateVideoFrame(w, h, AV_PIX_FMT_YUV420P);
      media::ColorConverter(w, h, w, h, AV_PIX_FMT_YUV420P, method, 1, c.order)
          .convert(other.data(), w * 4, got.get());
      int worst = 0;
      for (int p = 0; p < 3; ++p) {
        const int rows = p == 0 ? h : h / 2, cols = p == 0 ? w : w / 2;
        for (int y = 0; y < rows; ++y) {
          for (int x = 0; x < cols; ++x) {
            worst = std::max(worst, std::abs(got->data[p][y * got->linesize[p] + x] -
                                             expected->data[p][y * expected->linesize[p] + x]));
          }
        }
      }
      const bool fast = method == media::ColorConverter::Method::kFast;
      check(worst <= (fast ? 0 : 1), std::string(media::pixelOrderName(c.order)) +
                                         (fast ? " (fast)" : " (swscale)") + " converts like BGRx");
    }
  }
}

// wl_shm formats map onto the converter's byte orders; 10-bit ones are refused.
void shmFormatsMap() {
  const struct {
    uint32_t format;
    media::PixelOrder order;
  } cases[] = {{WL_SHM_FORMAT_XRGB8888, media::PixelOrder::kBgrx},
               {WL_SHM_FORMAT_ARGB8888, media::PixelOrder::kBgrx},
               {WL_SHM_FORMAT_XBGR8888, media::PixelOrder::kRgbx},
               {WL_SHM_FORMAT_BGRX8888, media::PixelOrder::kXrgb},
               {WL_SHM_FORMAT_RGBX8888, media::PixelOrder::kXbgr}};
  for (const auto& c : cases) {
    media::PixelOrder order = media::PixelOrder::kBgrx;
    const bool known = media::pixelOrderForShmFormat(c.format, order);
    check(known && order == c.order,
          std::string("wl_shm format maps to ") + media::pixelOrderName(c.order));
  }
  media::PixelOrder order;
  check(!media::pixelOrderForShmFormat(WL_SHM_FORMAT_XRGB2101010, order),
        "a 10-bit wl_shm format is refused");
}

media::MediaError wlrErrorOf(const media::WlrScreencopySourceOptions& options) {
  try {
    media::WlrScreencopySource source(options);
  } catch (const media::MediaError& e) {
    return e;
  }
  return media::MediaError("NONE", "no error");
}

// No compositor, and one that accepts but never answers: coded errors, no hang.
void wlrScreencopyErrors() {
  media::WlrScreencopySourceOptions o;
  o.display = "/nonexistent/wayland-9";
  o.timeoutMs = 200;
  media::MediaError absent = wlrErrorOf(o);
  check(absent.code() == media::code::kCaptureUnavailable &&
            std::string(absent.what()).find("cannot connect") != std::string::npos,
        "wlr: an absent socket is CAPTURE_UNAVAILABLE");
  o.timeoutMs = 0;
  check(wlrErrorOf(o).code() == media::code::kInvalidArgument,
        "wlr: timeoutMs 0 is INVALID_ARGUMENT");
  const std::string path = "/tmp/pf-engine-test-silent-" + std::to_string(getpid());
  const int server = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  unlink(path.c_str());
  const bool listening = bind(server, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                         listen(server, 4) == 0;
  o.display = path;
  o.timeoutMs = 200;
  media::MediaError silent = wlrErrorOf(o);
  check(listening && silent.code() == media::code::kCaptureUnavailable &&
            std::string(silent.what()).find("did not answer within 200 ms") != std::string::npos,
        "wlr: a compositor that never answers is CAPTURE_UNAVAILABLE after timeoutMs");
  close(server);
  unlink(path.c_str());
}

}  // namespace

int main() {
  counterRoundTrip();
  encodeDecodeRoundTrip();
  badOptionsThrowCodes();
  convertersAgree(AV_PIX_FMT_YUV420P, "yuv420p");
  convertersAgree(AV_PIX_FMT_NV12, "nv12");
  convertersAgree(AV_PIX_FMT_YUV444P, "yuv444p");
  scaledConversion();
  scaledConversion444();
  pixelOrdersAgree();
  shmFormatsMap();
  wlrScreencopyErrors();
  return testkit::finish();
}
