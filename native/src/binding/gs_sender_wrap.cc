#include "binding/gs_sender_wrap.h"

#include <string>
#include <vector>

#include "binding/net_options.h"
#include "binding/opus_layout.h"

namespace binding {
namespace {

void invalid(const std::string& message) {
  throw media::MediaError(media::code::kInvalidArgument, message);
}

// The socket options both senders share: where to send ("" and 0: not yet,
// connectTo() later) and where to listen ("": the wildcard).
net::UdpSenderOptions socketOptions(const RequiredFields& options) {
  net::UdpSenderOptions o;
  o.remoteHost = options.string("remoteHost");
  o.remotePort = options.int32("remotePort");
  o.localHost = options.string("localHost");
  o.localPort = options.int32("localPort");
  return o;
}

// {pings, ignored, remoteHost, remotePort, lastCounter}: null where there was no ping.
Napi::Object pingPollToJs(Napi::Env env, const net::gs::PingPoll& r) {
  const bool heard = r.pings > 0;
  Napi::Object out = Napi::Object::New(env);
  out.Set("pings", r.pings);
  out.Set("ignored", r.ignored);
  out.Set("remoteHost", heard ? Napi::Value(Napi::String::New(env, r.remoteHost)) : env.Null());
  out.Set("remotePort", heard ? Napi::Value(Napi::Number::New(env, r.remotePort)) : env.Null());
  out.Set("lastCounter",
          r.hasCounter ? Napi::Value(Napi::Number::New(env, r.lastCounter)) : env.Null());
  return out;
}

// connectTo(remoteHost, remotePort) on either sender.
template <typename Sender>
Napi::Value connectSender(const Napi::CallbackInfo& info, Sender& sender) {
  if (!info[0].IsString() || !info[1].IsNumber()) invalid("connectTo(remoteHost, remotePort)");
  sender.connectTo(info[0].As<Napi::String>().Utf8Value(), info[1].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Object videoResultToJs(Napi::Env env, const net::GsFrameSendResult& r) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("packets", r.packed.packets);
  out.Set("parityPackets", r.packed.parityPackets);
  out.Set("blocks", r.packed.blocks);
  out.Set("wireBytes", static_cast<double>(r.packed.wireBytes));
  out.Set("strippedBytes", static_cast<double>(r.packed.strippedBytes));
  out.Set("fecUs", static_cast<double>(r.packed.fecUs));
  out.Set("sealUs", static_cast<double>(r.packed.sealUs));
  out.Set("socketUs", static_cast<double>(r.socketUs));
  out.Set("sendUs", static_cast<double>(r.sendUs));
  out.Set("refused", r.refused);
  out.Set("unsent", r.unsent);
  out.Set("lastPacketMonoUs", static_cast<double>(r.lastPacketMonoUs));
  out.Set("firstSequence", r.firstSequence);
  return out;
}

}  // namespace

void GsVideoSenderWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "GameStreamVideoSender",
                  {InstanceMethod<&GsVideoSenderWrap::SendFrame>("sendFrame"),
                   InstanceMethod<&GsVideoSenderWrap::SetFecPercent>("setFecPercent"),
                   InstanceMethod<&GsVideoSenderWrap::LocalPort>("localPort"),
                   InstanceMethod<&GsVideoSenderWrap::DatagramBytes>("datagramBytes"),
                   InstanceMethod<&GsVideoSenderWrap::PollPings>("pollPings"),
                   InstanceMethod<&GsVideoSenderWrap::ConnectTo>("connectTo"),
                   InstanceMethod<&GsVideoSenderWrap::Connected>("connected"), closeMethod()});
  exports.Set("GameStreamVideoSender", cls);
}

GsVideoSenderWrap::GsVideoSenderWrap(const Napi::CallbackInfo& info) : EngineWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const RequiredFields options(info[0], "GameStreamVideoSender options");
    net::GsVideoSenderOptions o;
    o.packetizer.packetSize = options.int32("packetSize");
    o.packetizer.fecPercent = options.int32("fecPercent");
    o.packetizer.minRequiredFecPackets = options.int32("minRequiredFecPackets");
    const int payloadType = options.int32("payloadType");
    if (payloadType < 0 || payloadType > 127) invalid("payloadType must be 0..127");
    o.packetizer.payloadType = static_cast<uint8_t>(payloadType);
    o.packetizer.ssrc = options.uint32("ssrc");
    o.packetizer.codec = options.string("codec");
    o.packetizer.key = options.bytesOrNull("key");  // null: not encrypted
    const int initialSequence = options.int32("initialSequence");
    if (initialSequence < 0 || initialSequence > 65535) invalid("initialSequence must be 0..65535");
    o.packetizer.initialSequence = static_cast<uint16_t>(initialSequence);
    o.udp = socketOptions(options);
    o.udp.spreadUs = options.int32("spreadUs");
    o.udp.burstPackets = options.int32("burstPackets");
    o.pingPayload = options.string("pingPayload");
    engine_ = std::make_unique<net::GsVideoSender>(o);
    return info.Env().Undefined();
  });
}

// sendFrame(data, frameIndex, frameType, hostLatencyUs, rtpTimestamp): reads `data` in place.
Napi::Value GsVideoSenderWrap::SendFrame(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsTypedArray() || !info[1].IsNumber() || !info[2].IsNumber() ||
        !info[3].IsNumber() || !info[4].IsNumber()) {
      invalid("sendFrame(data, frameIndex, frameType, hostLatencyUs, rtpTimestamp)");
    }
    Napi::TypedArray array = info[0].As<Napi::TypedArray>();
    const auto* bytes =
        static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
    net::GsFrameMeta meta;
    meta.frameIndex = info[1].As<Napi::Number>().Uint32Value();
    meta.frameType = static_cast<uint8_t>(info[2].As<Napi::Number>().Uint32Value());
    meta.hostLatencyUs = info[3].As<Napi::Number>().Int64Value();
    meta.rtpTimestamp = info[4].As<Napi::Number>().Uint32Value();
    return videoResultToJs(env, engine().sendFrame(bytes, array.ByteLength(), meta));
  });
}

Napi::Value GsVideoSenderWrap::SetFecPercent(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    if (!info[0].IsNumber()) invalid("fecPercent must be a number");
    engine().setFecPercent(info[0].As<Napi::Number>().Int32Value());
    return info.Env().Undefined();
  });
}

Napi::Value GsVideoSenderWrap::LocalPort(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return Napi::Number::New(info.Env(), engine().localPort());
  });
}

Napi::Value GsVideoSenderWrap::DatagramBytes(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<double>(engine().datagramBytes()));
  });
}

Napi::Value GsVideoSenderWrap::PollPings(const Napi::CallbackInfo& info) {
  return guarded(info.Env(),
                 [&]() -> Napi::Value { return pingPollToJs(info.Env(), engine().pollPings()); });
}

Napi::Value GsVideoSenderWrap::ConnectTo(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value { return connectSender(info, engine()); });
}

Napi::Value GsVideoSenderWrap::Connected(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return Napi::Boolean::New(info.Env(), engine().connected());
  });
}

void GsAudioSenderWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "GameStreamAudioSender",
                  {InstanceMethod<&GsAudioSenderWrap::SendAudio>("sendAudio"),
                   InstanceMethod<&GsAudioSenderWrap::AudioSource>("audioSource"),
                   InstanceMethod<&GsAudioSenderWrap::FallbackReason>("fallbackReason"),
                   InstanceMethod<&GsAudioSenderWrap::CapturedChannels>("capturedChannels"),
                   InstanceMethod<&GsAudioSenderWrap::LocalPort>("localPort"),
                   InstanceMethod<&GsAudioSenderWrap::PollPings>("pollPings"),
                   InstanceMethod<&GsAudioSenderWrap::ConnectTo>("connectTo"),
                   InstanceMethod<&GsAudioSenderWrap::Connected>("connected"), closeMethod()});
  exports.Set("GameStreamAudioSender", cls);
}

GsAudioSenderWrap::GsAudioSenderWrap(const Napi::CallbackInfo& info) : EngineWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const RequiredFields options(info[0], "GameStreamAudioSender options");
    net::GsAudioSenderOptions o;
    o.packetizer.key = options.bytesOrNull("key");  // null: not encrypted
    o.packetizer.keyId = options.uint32("keyId");
    o.packetizer.packetDurationMs = options.int32("packetDurationMs");
    // GameStream audio is 48 kHz: stereo, or 5.1 / 7.1 in the layout DESCRIBE listed.
    readOpusLayout(options, o.opus);
    o.opus.frameSamples = o.packetizer.packetDurationMs * (o.opus.sampleRate / 1000);
    o.opus.bitrateBps = options.int32("bitrateBps");
    const std::string source = options.string("source");
    if (source == "tone") {
      o.source = net::GsAudioSource::kTone;
    } else if (source == "pulse") {
      o.source = net::GsAudioSource::kPulse;
    } else if (source == "auto") {
      o.source = net::GsAudioSource::kAuto;
    } else {
      invalid("source must be tone, pulse or auto");
    }
    o.toneHz = options.number("toneHz");
    if (!(o.toneHz > 0 && o.toneHz < 24000)) invalid("toneHz must be in (0, 24000)");
    // Pacing is not an audio option: the engine sends each packet as it is made.
    o.udp = socketOptions(options);
    o.pingPayload = options.string("pingPayload");
    engine_ = std::make_unique<net::GsAudioSender>(o);
    return info.Env().Undefined();
  });
}

Napi::Value GsAudioSenderWrap::SendAudio(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsNumber()) invalid("sendAudio(count)");
    const net::GsAudioSendResult r = engine().sendAudio(info[0].As<Napi::Number>().Int32Value());
    Napi::Object out = Napi::Object::New(env);
    out.Set("packets", r.packets);
    out.Set("fecPackets", r.fecPackets);
    out.Set("wireBytes", static_cast<double>(r.wireBytes));
    out.Set("encodeUs", static_cast<double>(r.encodeUs));
    out.Set("sendUs", static_cast<double>(r.sendUs));
    out.Set("unsent", r.unsent);
    out.Set("underruns", r.underruns);
    out.Set("nextSequence", r.nextSequence);
    return out;
  });
}

Napi::Value GsAudioSenderWrap::AudioSource(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return Napi::String::New(info.Env(), engine().audioSource());
  });
}

// null unless source 'auto' fell back to the tone.
Napi::Value GsAudioSenderWrap::FallbackReason(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const std::string& reason = engine().fallbackReason();
    if (reason.empty()) return info.Env().Null();
    return Napi::String::New(info.Env(), reason);
  });
}

Napi::Value GsAudioSenderWrap::CapturedChannels(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return Napi::Number::New(info.Env(), engine().capturedChannels());
  });
}

Napi::Value GsAudioSenderWrap::LocalPort(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return Napi::Number::New(info.Env(), engine().localPort());
  });
}

Napi::Value GsAudioSenderWrap::PollPings(const Napi::CallbackInfo& info) {
  return guarded(info.Env(),
                 [&]() -> Napi::Value { return pingPollToJs(info.Env(), engine().pollPings()); });
}

Napi::Value GsAudioSenderWrap::ConnectTo(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value { return connectSender(info, engine()); });
}

Napi::Value GsAudioSenderWrap::Connected(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    return Napi::Boolean::New(info.Env(), engine().connected());
  });
}

}  // namespace binding
