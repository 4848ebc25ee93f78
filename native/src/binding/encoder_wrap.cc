#include "binding/encoder_wrap.h"

#include "binding/capture_wrap.h"

namespace binding {
namespace {

const char* pixelFormatName(AVPixelFormat format) {
  if (format == AV_PIX_FMT_YUV444P) return "yuv444p";
  return format == AV_PIX_FMT_NV12 ? "nv12" : "yuv420p";
}

// The packet's bytes are copied into a Buffer V8 owns. Not an external
// Buffer over the packet: Node runs external Buffers' finalizers from the
// event loop (SetImmediate), and a streaming worker's frame loop never
// yields to it, so every packet of a session stayed allocated until the
// session ended (RSS grew at the video bitrate). A copy is freed by the GC
// itself; it costs one memcpy of an encoded frame (tens of KB).
Napi::Value packetBuffer(Napi::Env env, std::shared_ptr<media::EncodedPacket> packet) {
  return Napi::Buffer<uint8_t>::Copy(env, packet->data(), packet->size());
}

}  // namespace

void EncoderWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(
      env, "Encoder",
      {InstanceMethod<&EncoderWrap::Info>("info"), InstanceMethod<&EncoderWrap::Submit>("submit"),
       InstanceMethod<&EncoderWrap::Collect>("collect"),
       InstanceMethod<&EncoderWrap::Flush>("flush"),
       InstanceMethod<&EncoderWrap::SetBitrate>("setBitrate"), closeMethod()});
  stateOf(env).encoderClass = Napi::Persistent(cls);
  exports.Set("Encoder", cls);
}

EncoderWrap::EncoderWrap(const Napi::CallbackInfo& info) : EngineWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const RequiredFields options(info[0], "Encoder options");
    media::EncoderOptions opts;
    opts.codec = options.string("codec");
    opts.backend = options.string("backend");
    opts.width = options.int32("width");
    opts.height = options.int32("height");
    opts.fps = options.int32("fps");
    opts.bitrateKbps = options.int32("bitrateKbps");
    opts.preset = options.string("preset");
    opts.threads = options.int32("threads");
    opts.yuv444 = options.boolean("yuv444");
    opts.codecParams = options.string("codecParams");
    engine_ = std::make_unique<media::Encoder>(opts);
    return info.Env().Undefined();
  });
}

Napi::Value EncoderWrap::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const media::EncoderInfo& i = engine().info();
    Napi::Object out = Napi::Object::New(env);
    out.Set("encoderName", i.encoderName);
    out.Set("backend", i.backend);
    out.Set("fallbackReason", i.fallbackReason);
    out.Set("pixelFormat", pixelFormatName(i.pixelFormat));
    out.Set("bitrateKbps", engine().bitrateKbps());
    return out;
  });
}

// submit(capture, forceIdr): encodes the capture's current frame in place.
Napi::Value EncoderWrap::Submit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsObject() || !info[1].IsBoolean()) {
      throw media::MediaError(media::code::kInvalidArgument,
                              "submit(capture: Capture, forceIdr: boolean)");
    }
    CaptureWrap* capture = CaptureWrap::Unwrap(info[0].As<Napi::Object>());
    const bool forceIdr = info[1].As<Napi::Boolean>().Value();
    const int64_t submitUs = engine().submit(capture->capture().frame(), forceIdr);
    return Napi::Number::New(env, static_cast<double>(submitUs));
  });
}

Napi::Value EncoderWrap::Collect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    media::CollectResult r = engine().collect();
    Napi::Object out = Napi::Object::New(env);
    out.Set("encodeUs", static_cast<double>(r.encodeUs));
    if (!r.packet) {
      out.Set("data", env.Null());
      return out;
    }
    out.Set("keyframe", r.packet->keyframe);
    out.Set("pts", static_cast<double>(r.packet->pts));
    out.Set("data", packetBuffer(env, std::move(r.packet)));
    return out;
  });
}

Napi::Value EncoderWrap::Flush(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    engine().flush();
    return info.Env().Undefined();
  });
}

Napi::Value EncoderWrap::SetBitrate(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    if (!info[0].IsNumber()) {
      throw media::MediaError(media::code::kInvalidArgument, "setBitrate(bitrateKbps: number)");
    }
    engine().setBitrateKbps(info[0].As<Napi::Number>().Int32Value());
    return info.Env().Undefined();
  });
}

}  // namespace binding
