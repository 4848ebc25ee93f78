#include "binding/capture_wrap.h"

#include <cstring>

namespace binding {
namespace {

AVPixelFormat parsePixelFormat(const std::string& name) {
  if (name == "yuv420p") return AV_PIX_FMT_YUV420P;
  if (name == "nv12") return AV_PIX_FMT_NV12;
  throw media::MediaError(media::code::kInvalidArgument, "unknown pixel format '" + name + "'");
}

}  // namespace

void CaptureWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "Capture",
                  {InstanceMethod<&CaptureWrap::Capture>("capture"),
                   InstanceMethod<&CaptureWrap::CopyBgra>("copyBgra"), closeMethod()});
  stateOf(env).captureClass = Napi::Persistent(cls);
  exports.Set("Capture", cls);
}

CaptureWrap::CaptureWrap(const Napi::CallbackInfo& info) : EngineWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    Napi::Object options = info[0].As<Napi::Object>();
    media::CaptureOptions opts;
    opts.source = requireString(options, "source", "synthetic");
    opts.width = requireInt(options, "width", 0);
    opts.height = requireInt(options, "height", 0);
    opts.pixelFormat = parsePixelFormat(requireString(options, "pixelFormat", "yuv420p"));
    const std::string method = requireString(options, "convertMethod", "fast");
    if (method != "fast" && method != "swscale") {
      throw media::MediaError(media::code::kInvalidArgument,
                              "unknown convertMethod '" + method + "'");
    }
    opts.convertMethod = method == "fast" ? media::ColorConverter::Method::kFast
                                          : media::ColorConverter::Method::kSwscale;
    opts.convertThreads = requireInt(options, "convertThreads", 1);
    engine_ = std::make_unique<media::Capture>(opts);
    return info.Env().Undefined();
  });
}

Napi::Value CaptureWrap::Capture(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const media::CaptureResult r = engine().capture();
    Napi::Object out = Napi::Object::New(env);
    out.Set("frameIndex", static_cast<double>(r.frameIndex));
    out.Set("startUs", static_cast<double>(r.startUs));
    out.Set("grabUs", static_cast<double>(r.grabUs));
    out.Set("convertUs", static_cast<double>(r.convertUs));
    out.Set("captureUs", static_cast<double>(r.captureUs));
    out.Set("repeated", r.repeated);
    return out;
  });
}

// A packed copy of the last grabbed BGRA frame: for benchmarks that feed the
// same frames to another encoder, and for tests. Not for the hot path.
Napi::Value CaptureWrap::CopyBgra(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    media::Capture& c = engine();
    const size_t rowBytes = static_cast<size_t>(c.width()) * 4;
    Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(env, rowBytes * c.height());
    for (int y = 0; y < c.height(); ++y) {
      std::memcpy(out.Data() + rowBytes * y, c.bgra() + static_cast<size_t>(c.bgraStride()) * y,
                  rowBytes);
    }
    return out;
  });
}

}  // namespace binding
