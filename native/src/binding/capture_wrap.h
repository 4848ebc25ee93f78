#pragma once
#include "binding/engine_wrap.h"
#include "media/capture.h"

namespace binding {

// JS: new Capture({source, display, cursor, width, height, pixelFormat, convertMethod,
// convertThreads})
class CaptureWrap : public EngineWrap<CaptureWrap, media::Capture> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit CaptureWrap(const Napi::CallbackInfo& info);
  // Used by EncoderWrap::Submit: hands the converted frame over without a copy.
  media::Capture& capture() { return engine(); }

 private:
  Napi::Value Capture(const Napi::CallbackInfo& info);
  Napi::Value CopyBgra(const Napi::CallbackInfo& info);
  Napi::Value Info(const Napi::CallbackInfo& info);
};

}  // namespace binding
