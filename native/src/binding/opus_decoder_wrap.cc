#include "binding/opus_decoder_wrap.h"

#include <cstring>

#include "binding/opus_layout.h"

namespace binding {
namespace {

void invalid(const char* message) {
  throw media::MediaError(media::code::kInvalidArgument, message);
}

// A copy of the decoder's buffer: the next decode overwrites it.
Napi::Value pcmToJs(Napi::Env env, const media::OpusAudioDecoder& decoder, int samplesPerChannel) {
  const size_t samples = static_cast<size_t>(samplesPerChannel) * decoder.channels();
  Napi::Int16Array out = Napi::Int16Array::New(env, samples);
  std::memcpy(out.Data(), decoder.pcm(), samples * sizeof(int16_t));
  return out;
}

}  // namespace

void OpusDecoderWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "OpusDecoder",
                  {InstanceMethod<&OpusDecoderWrap::Decode>("decode"),
                   InstanceMethod<&OpusDecoderWrap::DecodeLost>("decodeLost"), closeMethod()});
  exports.Set("OpusDecoder", cls);
}

OpusDecoderWrap::OpusDecoderWrap(const Napi::CallbackInfo& info) : EngineWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const RequiredFields options(info[0], "OpusDecoder options");
    media::OpusDecoderOptions o;
    readOpusLayout(options, o);
    o.sampleRate = options.int32("sampleRate");
    engine_ = std::make_unique<media::OpusAudioDecoder>(o);
    return info.Env().Undefined();
  });
}

Napi::Value OpusDecoderWrap::Decode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsTypedArray() ||
        info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      invalid("decode needs a Uint8Array");
    }
    Napi::Uint8Array packet = info[0].As<Napi::Uint8Array>();
    media::OpusAudioDecoder& decoder = engine();
    return pcmToJs(env, decoder, decoder.decode(packet.Data(), packet.ByteLength()));
  });
}

Napi::Value OpusDecoderWrap::DecodeLost(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsNumber()) invalid("decodeLost(samplesPerChannel)");
    media::OpusAudioDecoder& decoder = engine();
    return pcmToJs(env, decoder, decoder.decodeLost(info[0].As<Napi::Number>().Int32Value()));
  });
}

}  // namespace binding
