#pragma once
#include "binding/engine_wrap.h"
#include "net/media_sender.h"

namespace binding {

// JS: new MediaSender({remoteHost, remotePort, key, salt, shardBytes, fecPercent,
//   maxDataShardsPerBlock, spreadUs, burstPackets})
class MediaSenderWrap : public EngineWrap<MediaSenderWrap, net::MediaSender> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit MediaSenderWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value SendFrame(const Napi::CallbackInfo& info);
  Napi::Value SetFecPercent(const Napi::CallbackInfo& info);
  Napi::Value LocalPort(const Napi::CallbackInfo& info);
};

}  // namespace binding
