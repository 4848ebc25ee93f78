#include "binding/media_sender_wrap.h"

#include "binding/net_options.h"

namespace binding {
namespace {

Napi::Object resultToJs(Napi::Env env, const net::FrameSendResult& r) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("packets", r.packets);
  out.Set("parityPackets", r.parityPackets);
  out.Set("wireBytes", static_cast<double>(r.wireBytes));
  out.Set("fecUs", static_cast<double>(r.fecUs));
  out.Set("sealUs", static_cast<double>(r.sealUs));
  out.Set("socketUs", static_cast<double>(r.socketUs));
  out.Set("sendUs", static_cast<double>(r.sendUs));
  out.Set("refused", r.refused);
  out.Set("unsent", r.unsent);
  out.Set("lastPacketMonoUs", static_cast<double>(r.lastPacketMonoUs));
  return out;
}

}  // namespace

void MediaSenderWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "MediaSender",
                  {InstanceMethod<&MediaSenderWrap::SendFrame>("sendFrame"),
                   InstanceMethod<&MediaSenderWrap::SetFecPercent>("setFecPercent"),
                   InstanceMethod<&MediaSenderWrap::LocalPort>("localPort"), closeMethod()});
  exports.Set("MediaSender", cls);
}

MediaSenderWrap::MediaSenderWrap(const Napi::CallbackInfo& info) : EngineWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const RequiredFields options(info[0], "MediaSender options");
    net::MediaSenderOptions o;
    o.packetizer.key = options.bytes("key");
    o.packetizer.salt = requireSalt(options);
    o.packetizer.shardBytes = options.int32("shardBytes");
    o.packetizer.fecPercent = options.int32("fecPercent");
    o.packetizer.maxDataShardsPerBlock = options.int32("maxDataShardsPerBlock");
    o.udp.remoteHost = options.string("remoteHost");
    o.udp.remotePort = options.int32("remotePort");
    o.udp.spreadUs = options.int32("spreadUs");
    o.udp.burstPackets = options.int32("burstPackets");
    engine_ = std::make_unique<net::MediaSender>(o);
    return info.Env().Undefined();
  });
}

// sendFrame(data, frameIndex, keyframe, captureStartUs): reads `data` in place.
Napi::Value MediaSenderWrap::SendFrame(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsTypedArray() || !info[1].IsNumber() || !info[2].IsBoolean() ||
        !info[3].IsNumber()) {
      throw media::MediaError(media::code::kInvalidArgument,
                              "sendFrame(data: Uint8Array, frameIndex, keyframe, captureStartUs)");
    }
    Napi::TypedArray array = info[0].As<Napi::TypedArray>();
    const auto* bytes =
        static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
    net::FrameMeta meta;
    meta.frameIndex = info[1].As<Napi::Number>().Uint32Value();
    meta.keyframe = info[2].As<Napi::Boolean>().Value();
    meta.captureStartUs = info[3].As<Napi::Number>().Int64Value();
    return resultToJs(env, engine().sendFrame(bytes, array.ByteLength(), meta));
  });
}

Napi::Value MediaSenderWrap::SetFecPercent(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    if (!info[0].IsNumber()) {
      throw media::MediaError(media::code::kInvalidArgument, "fecPercent must be a number");
    }
    engine().setFecPercent(info[0].As<Napi::Number>().Int32Value());
    return info.Env().Undefined();
  });
}

Napi::Value MediaSenderWrap::LocalPort(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return Napi::Number::New(info.Env(), engine().localPort());
  });
}

}  // namespace binding
