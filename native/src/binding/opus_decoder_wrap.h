#pragma once
// The Opus decoder as a JS object (engine: native/src/media/opus_decoder.h).
#include "binding/engine_wrap.h"
#include "media/opus_decoder.h"

namespace binding {

// JS: new OpusDecoder({channels, sampleRate}); decode(packet) and
// decodeLost(samplesPerChannel) return interleaved Int16Array PCM.
class OpusDecoderWrap : public EngineWrap<OpusDecoderWrap, media::OpusAudioDecoder> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit OpusDecoderWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Decode(const Napi::CallbackInfo& info);
  Napi::Value DecodeLost(const Napi::CallbackInfo& info);
};

}  // namespace binding
