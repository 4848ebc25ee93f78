#include "binding/decoder_wrap.h"

namespace binding {
namespace {

Napi::Object resultToJs(Napi::Env env, const media::DecodeResult& r) {
  Napi::Array frames = Napi::Array::New(env, r.frames.size());
  for (size_t i = 0; i < r.frames.size(); ++i) {
    const media::DecodedFrameInfo& f = r.frames[i];
    Napi::Object frame = Napi::Object::New(env);
    frame.Set("width", f.width);
    frame.Set("height", f.height);
    frame.Set("keyframe", f.keyframe);
    frame.Set("pixelFormat", f.pixelFormat);
    frame.Set("frameCounter",
              f.frameCounter ? Napi::Value(Napi::Number::New(env, *f.frameCounter)) : env.Null());
    frames.Set(static_cast<uint32_t>(i), frame);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("frames", frames);
  out.Set("decodeUs", static_cast<double>(r.decodeUs));
  return out;
}

}  // namespace

void DecoderWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(
      env, "Decoder",
      {InstanceMethod<&DecoderWrap::Decode>("decode"), InstanceMethod<&DecoderWrap::Flush>("flush"),
       InstanceMethod<&DecoderWrap::LastLuma>("lastLuma"),
       InstanceMethod<&DecoderWrap::LastRgb>("lastRgb"), closeMethod()});
  stateOf(env).decoderClass = Napi::Persistent(cls);
  exports.Set("Decoder", cls);
}

DecoderWrap::DecoderWrap(const Napi::CallbackInfo& info) : EngineWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const RequiredFields options(info[0], "Decoder options");
    engine_ = std::make_unique<media::Decoder>(options.string("codec"), options.int32("threads"));
    return info.Env().Undefined();
  });
}

Napi::Value DecoderWrap::Decode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsTypedArray()) {
      throw media::MediaError(media::code::kInvalidArgument, "decode needs a Uint8Array");
    }
    Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
    return resultToJs(env, engine().decode(bytes.Data(), bytes.ByteLength()));
  });
}

Napi::Value DecoderWrap::Flush(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value { return resultToJs(env, engine().flush()); });
}

Napi::Value DecoderWrap::LastLuma(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    std::vector<uint8_t> luma = engine().lastLuma();
    return Napi::Buffer<uint8_t>::Copy(env, luma.data(), luma.size());
  });
}

Napi::Value DecoderWrap::LastRgb(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    std::vector<uint8_t> rgb = engine().lastRgb();
    return Napi::Buffer<uint8_t>::Copy(env, rgb.data(), rgb.size());
  });
}

}  // namespace binding
