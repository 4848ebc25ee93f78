#pragma once
#include "binding/engine_wrap.h"
#include "media/decoder.h"

namespace binding {

// JS: new Decoder({codec, threads})
class DecoderWrap : public EngineWrap<DecoderWrap, media::Decoder> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit DecoderWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Decode(const Napi::CallbackInfo& info);
  Napi::Value Flush(const Napi::CallbackInfo& info);
  Napi::Value LastLuma(const Napi::CallbackInfo& info);
  Napi::Value LastRgb(const Napi::CallbackInfo& info);
};

}  // namespace binding
