#include "binding/media_receiver_wrap.h"

#include "binding/net_options.h"

namespace binding {
namespace {

// The frame's bytes become a Buffer in place: the vector moves to the heap
// and the Buffer's finalizer frees it. No copy through JS.
Napi::Value frameBuffer(Napi::Env env, std::vector<uint8_t>&& data) {
  auto* hold = new std::vector<uint8_t>(std::move(data));
  return Napi::Buffer<uint8_t>::New(
      env, hold->data(), hold->size(),
      [](Napi::Env, uint8_t*, std::vector<uint8_t>* h) { delete h; }, hold);
}

Napi::Object countersToJs(Napi::Env env, const net::ReceiverCounters& c) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("datagrams", static_cast<double>(c.datagrams));
  out.Set("dropped", static_cast<double>(c.dropped));
  out.Set("authFailures", static_cast<double>(c.authFailures));
  out.Set("malformed", static_cast<double>(c.malformed));
  out.Set("duplicates", static_cast<double>(c.duplicates));
  out.Set("late", static_cast<double>(c.late));
  out.Set("framesCompleted", static_cast<double>(c.framesCompleted));
  out.Set("framesLost", static_cast<double>(c.framesLost));
  out.Set("fecRecoveredFrames", static_cast<double>(c.fecRecoveredFrames));
  return out;
}

}  // namespace

void MediaReceiverWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "MediaReceiver",
                  {InstanceMethod<&MediaReceiverWrap::Poll>("poll"),
                   InstanceMethod<&MediaReceiverWrap::Counters>("counters"),
                   InstanceMethod<&MediaReceiverWrap::LocalPort>("localPort"), closeMethod()});
  exports.Set("MediaReceiver", cls);
}

MediaReceiverWrap::MediaReceiverWrap(const Napi::CallbackInfo& info) : EngineWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const RequiredFields options(info[0], "MediaReceiver options");
    net::MediaReceiverOptions o;
    o.udp.localAddress = options.string("localAddress");
    o.udp.localPort = options.int32("localPort");
    o.reassembly.key = options.bytes("key");
    o.reassembly.salt = requireSalt(options);
    o.reassembly.dropRate = options.number("dropRate");
    o.reassembly.dropSeed = options.safeUint("dropSeed");
    o.reassembly.windowFrames = options.int32("windowFrames");
    o.reassembly.maxFrameBytes = static_cast<size_t>(options.uint32("maxFrameBytes"));
    engine_ = std::make_unique<net::MediaReceiver>(o);
    return info.Env().Undefined();
  });
}

// poll(timeoutMs): {frames: [...], counters: {...}}
Napi::Value MediaReceiverWrap::Poll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsNumber()) {
      throw FieldTypeError("poll(timeoutMs): timeoutMs must be a number, got " +
                           describeJsType(info[0]));
    }
    const int timeoutMs = info[0].As<Napi::Number>().Int32Value();
    std::vector<net::CompletedFrame> frames = engine().poll(std::max(0, timeoutMs));
    Napi::Array list = Napi::Array::New(env, frames.size());
    for (size_t i = 0; i < frames.size(); ++i) {
      net::CompletedFrame& f = frames[i];
      Napi::Object frame = Napi::Object::New(env);
      frame.Set("frameIndex", f.frameIndex);
      frame.Set("data", frameBuffer(env, std::move(f.data)));
      frame.Set("keyframe", f.keyframe);
      frame.Set("captureStartUs", static_cast<double>(f.captureStartUs));
      frame.Set("recoveredByFec", f.recoveredByFec);
      frame.Set("receivedMonoUs", static_cast<double>(f.receivedMonoUs));
      list.Set(static_cast<uint32_t>(i), frame);
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("frames", list);
    out.Set("counters", countersToJs(env, engine().counters()));
    return out;
  });
}

Napi::Value MediaReceiverWrap::Counters(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value { return countersToJs(env, engine().counters()); });
}

Napi::Value MediaReceiverWrap::LocalPort(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return Napi::Number::New(info.Env(), engine().localPort());
  });
}

}  // namespace binding
