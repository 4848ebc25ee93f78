#include "binding/module_functions.h"

#include "binding/addon_state.h"
#include "media/clock.h"
#include "media/codec_census.h"

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

Napi::Value OpenCodecContexts(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), media::openCodecContextCount());
}

Napi::Value LiveHandles(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(stateOf(info.Env()).live->size()));
}

}  // namespace

void InitModuleFunctions(Napi::Env env, Napi::Object exports) {
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass));
  exports.Set("monotonicUs", Napi::Function::New(env, MonotonicUs));
  exports.Set("openCodecContexts", Napi::Function::New(env, OpenCodecContexts));
  exports.Set("liveHandles", Napi::Function::New(env, LiveHandles));
}

}  // namespace binding
