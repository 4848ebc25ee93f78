#pragma once
// The GameStream media senders as JS objects (engine: native/src/net/gs_*).
#include "binding/engine_wrap.h"
#include "net/gs_audio_sender.h"
#include "net/gs_video_sender.h"

namespace binding {

// JS: new GameStreamVideoSender({remoteHost?, remotePort?, localHost?, localPort?,
//   pingPayload?, packetSize, fecPercent, minRequiredFecPackets, payloadType, ssrc,
//   codec, key?, initialSequence, spreadUs, burstPackets})
class GsVideoSenderWrap : public EngineWrap<GsVideoSenderWrap, net::GsVideoSender> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit GsVideoSenderWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value SendFrame(const Napi::CallbackInfo& info);
  Napi::Value SetFecPercent(const Napi::CallbackInfo& info);
  Napi::Value LocalPort(const Napi::CallbackInfo& info);
  Napi::Value DatagramBytes(const Napi::CallbackInfo& info);
  Napi::Value PollPings(const Napi::CallbackInfo& info);
  Napi::Value ConnectTo(const Napi::CallbackInfo& info);
  Napi::Value Connected(const Napi::CallbackInfo& info);
};

// JS: new GameStreamAudioSender({remoteHost?, remotePort?, localHost?, localPort?,
//   pingPayload?, key?, keyId, packetDurationMs, bitrateBps, source, toneHz})
class GsAudioSenderWrap : public EngineWrap<GsAudioSenderWrap, net::GsAudioSender> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit GsAudioSenderWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value SendAudio(const Napi::CallbackInfo& info);
  Napi::Value AudioSource(const Napi::CallbackInfo& info);
  Napi::Value FallbackReason(const Napi::CallbackInfo& info);
  Napi::Value CapturedChannels(const Napi::CallbackInfo& info);
  Napi::Value LocalPort(const Napi::CallbackInfo& info);
  Napi::Value PollPings(const Napi::CallbackInfo& info);
  Napi::Value ConnectTo(const Napi::CallbackInfo& info);
  Napi::Value Connected(const Napi::CallbackInfo& info);
};

}  // namespace binding
