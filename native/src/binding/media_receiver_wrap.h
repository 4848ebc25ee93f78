#pragma once
#include "binding/engine_wrap.h"
#include "net/media_receiver.h"

namespace binding {

// JS: new MediaReceiver({localAddress, localPort, key, salt, dropRate, dropSeed,
//   windowFrames, maxFrameBytes})
class MediaReceiverWrap : public EngineWrap<MediaReceiverWrap, net::MediaReceiver> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit MediaReceiverWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Poll(const Napi::CallbackInfo& info);
  Napi::Value Counters(const Napi::CallbackInfo& info);
  Napi::Value LocalPort(const Napi::CallbackInfo& info);
};

}  // namespace binding
