#include "binding/js_error.h"

#include "binding/addon_state.h"

namespace binding {

void throwJsError(Napi::Env env, const std::string& code, const std::string& message) {
  AddonState& state = stateOf(env);
  if (!state.errorClass.IsEmpty()) {
    Napi::Object error =
        state.errorClass.New({Napi::String::New(env, code), Napi::String::New(env, message)});
    Napi::Error(env, error).ThrowAsJavaScriptException();
    return;
  }
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  error.ThrowAsJavaScriptException();
}

int requireInt(const Napi::Object& options, const char* key, int fallback) {
  Napi::Value value = options.Get(key);
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) {
    throw media::MediaError(media::code::kInvalidArgument, std::string(key) + " must be a number");
  }
  return value.As<Napi::Number>().Int32Value();
}

std::string requireString(const Napi::Object& options, const char* key, const char* fallback) {
  Napi::Value value = options.Get(key);
  if (value.IsUndefined()) return fallback;
  if (!value.IsString()) {
    throw media::MediaError(media::code::kInvalidArgument, std::string(key) + " must be a string");
  }
  return value.As<Napi::String>().Utf8Value();
}

}  // namespace binding
