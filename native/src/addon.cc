// Registration only: each wrapped class adds itself to the exports.
#include <napi.h>

#include "binding/addon_state.h"
#include "binding/capture_wrap.h"
#include "binding/decoder_wrap.h"
#include "binding/encoder_wrap.h"
#include "binding/gs_sender_wrap.h"
#include "binding/input_wrap.h"
#include "binding/media_receiver_wrap.h"
#include "binding/media_sender_wrap.h"
#include "binding/module_functions.h"
#include "binding/opus_decoder_wrap.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* state = new binding::AddonState();
  env.SetInstanceData(state);  // deleted by node-addon-api at env teardown
  // Close this environment's codecs when its worker exits, GC or not.
  env.AddCleanupHook([live = state->live]() { live->closeAll(); });
  binding::InitModuleFunctions(env, exports);
  binding::CaptureWrap::Init(env, exports);
  binding::EncoderWrap::Init(env, exports);
  binding::DecoderWrap::Init(env, exports);
  binding::MediaSenderWrap::Init(env, exports);
  binding::MediaReceiverWrap::Init(env, exports);
  binding::GsVideoSenderWrap::Init(env, exports);
  binding::GsAudioSenderWrap::Init(env, exports);
  binding::OpusDecoderWrap::Init(env, exports);
  binding::InitInput(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(punktfunk_native, Init)
