#pragma once
#include "binding/engine_wrap.h"
#include "media/encoder.h"

namespace binding {

// JS: new Encoder({codec, backend, width, height, fps, bitrateKbps, preset, threads, codecParams})
class EncoderWrap : public EngineWrap<EncoderWrap, media::Encoder> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit EncoderWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value Submit(const Napi::CallbackInfo& info);
  Napi::Value Collect(const Napi::CallbackInfo& info);
  Napi::Value Flush(const Napi::CallbackInfo& info);
  Napi::Value SetBitrate(const Napi::CallbackInfo& info);
};

}  // namespace binding
