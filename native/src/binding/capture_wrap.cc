#include "binding/capture_wrap.h"

#include <cstring>

#include "binding/pipewire_options.h"
#include "binding/wlr_options.h"

namespace binding {
namespace {

AVPixelFormat parsePixelFormat(const std::string& name) {
  if (name == "yuv420p") return AV_PIX_FMT_YUV420P;
  if (name == "nv12") return AV_PIX_FMT_NV12;
  if (name == "yuv444p") return AV_PIX_FMT_YUV444P;
  throw media::MediaError(media::code::kInvalidArgument, "unknown pixel format '" + name + "'");
}

media::ColorConverter::Method parseConvertMethod(const std::string& name) {
  if (name == "fast") return media::ColorConverter::Method::kFast;
  if (name == "swscale") return media::ColorConverter::Method::kSwscale;
  throw media::MediaError(media::code::kInvalidArgument, "unknown convertMethod '" + name + "'");
}

}  // namespace

void CaptureWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(env, "Capture",
                                   {InstanceMethod<&CaptureWrap::Capture>("capture"),
                                    InstanceMethod<&CaptureWrap::CopyBgra>("copyBgra"),
                                    InstanceMethod<&CaptureWrap::Info>("info"), closeMethod()});
  stateOf(env).captureClass = Napi::Persistent(cls);
  exports.Set("Capture", cls);
}

CaptureWrap::CaptureWrap(const Napi::CallbackInfo& info) : EngineWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const RequiredFields options(info[0], "Capture options");
    media::CaptureOptions opts;
    opts.source = options.string("source");
    opts.display = options.string("display");
    opts.cursor = options.boolean("cursor");
    opts.width = options.int32("width");
    opts.height = options.int32("height");
    opts.pixelFormat = parsePixelFormat(options.string("pixelFormat"));
    opts.convertMethod = parseConvertMethod(options.string("convertMethod"));
    opts.convertThreads = options.int32("convertThreads");
    if (opts.source == "pipewire") opts.pipewire = parsePipeWireOptions(options.object("pipewire"));
    if (opts.source == "wlr") opts.wlr = parseWlrOptions(options.object("wlr"));
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

// A packed copy of the last grabbed BGRA frame (source size): for benchmarks
// that feed the same frames to another encoder, and for tests. Not for the
// hot path. All zero before the first capture.
Napi::Value CaptureWrap::CopyBgra(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    media::Capture& c = engine();
    const size_t rowBytes = static_cast<size_t>(c.sourceWidth()) * 4;
    Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(env, rowBytes * c.sourceHeight());
    if (!c.bgra()) {
      std::memset(out.Data(), 0, out.Length());
      return out;
    }
    for (int y = 0; y < c.sourceHeight(); ++y) {
      std::memcpy(out.Data() + rowBytes * y, c.bgra() + static_cast<size_t>(c.bgraStride()) * y,
                  rowBytes);
    }
    return out;
  });
}

// The source's current size, mode and content rectangle (a PipeWire stream
// may change size mid-stream; the facade reads this on demand).
Napi::Value CaptureWrap::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    media::Capture& c = engine();
    const media::ContentRect& r = c.contentRect();
    Napi::Object rect = Napi::Object::New(env);
    rect.Set("x", r.x);
    rect.Set("y", r.y);
    rect.Set("width", r.width);
    rect.Set("height", r.height);
    Napi::Object out = Napi::Object::New(env);
    out.Set("sourceWidth", c.sourceWidth());
    out.Set("sourceHeight", c.sourceHeight());
    out.Set("captureMode", c.mode());
    out.Set("contentRect", rect);
    return out;
  });
}

}  // namespace binding
