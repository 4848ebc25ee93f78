#include "binding/module_functions.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "binding/addon_state.h"
#include "binding/js_error.h"
#include "binding/required_fields.h"
#include "media/clock.h"
#include "media/codec_census.h"
#include "media/x11_source.h"

namespace binding {
namespace {

// The TS facade hands in its NativeError class so native errors are instances of it.
Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  if (info[0].IsFunction()) {
    stateOf(info.Env()).errorClass = Napi::Persistent(info[0].As<Napi::Function>());
  }
  return info.Env().Undefined();
}

Napi::Value MonotonicUs(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(media::monotonicUs()));
}

// glibc keeps freed memory for reuse and trims only the main heap's top on
// its own. Two cases leave hundreds of MB the host never needs again: a
// session's worker and encoder threads each malloc from their own arena, which
// keeps the freed pages when the session ends; and a flood of TLS connections
// (each one OpenSSL state of tens of kB, all freed again). malloc_trim(0)
// returns free pages of every arena to the kernel. True when memory was
// released; false where the C library has no trim.
Napi::Value ReleaseFreeMemory(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  return Napi::Boolean::New(info.Env(), malloc_trim(0) == 1);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

Napi::Value OpenCodecContexts(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), media::openCodecContextCount());
}

Napi::Value LiveEncodedPackets(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), media::liveEncodedPacketCount());
}

Napi::Value LiveHandles(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(stateOf(info.Env()).live->size()));
}

// Never throws for a display that is not there: the host asks before it
// decides between X11 capture and the synthetic source.
Napi::Value ProbeX11Display(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    // '' means $DISPLAY; the facade always passes a string.
    if (!info[0].IsString()) {
      throw FieldTypeError("probeX11Display(display): display must be a string, got " +
                           describeJsType(info[0]));
    }
    const media::X11DisplayProbe probe =
        media::probeX11Display(info[0].As<Napi::String>().Utf8Value());
    Napi::Object out = Napi::Object::New(env);
    out.Set("reachable", probe.reachable);
    out.Set("width", probe.width);
    out.Set("height", probe.height);
    out.Set("shm", probe.shm);
    out.Set("reason", probe.reason);
    return out;
  });
}

}  // namespace

void InitModuleFunctions(Napi::Env env, Napi::Object exports) {
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass));
  exports.Set("monotonicUs", Napi::Function::New(env, MonotonicUs));
  exports.Set("releaseFreeMemory", Napi::Function::New(env, ReleaseFreeMemory));
  exports.Set("openCodecContexts", Napi::Function::New(env, OpenCodecContexts));
  exports.Set("liveEncodedPackets", Napi::Function::New(env, LiveEncodedPackets));
  exports.Set("liveHandles", Napi::Function::New(env, LiveHandles));
  exports.Set("probeX11Display", Napi::Function::New(env, ProbeX11Display));
}

}  // namespace binding
