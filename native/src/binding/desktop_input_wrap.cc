#include "binding/desktop_input_wrap.h"

#include "media/media_error.h"

namespace binding {

void invalidInput(const std::string& message) {
  throw media::MediaError(media::code::kInvalidArgument, message);
}

// Two numbers (x, y), (dx, dy), (vertical, horizontal), … checked before use.
std::pair<int, int> twoInts(const Napi::CallbackInfo& info, const char* usage) {
  if (!info[0].IsNumber() || !info[1].IsNumber()) invalidInput(usage);
  return {info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value()};
}

std::pair<int, bool> intAndBool(const Napi::CallbackInfo& info, const char* usage) {
  if (!info[0].IsNumber() || !info[1].IsBoolean()) invalidInput(usage);
  return {info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Boolean>().Value()};
}

Napi::Object sizeToJs(Napi::Env env, const input::ScreenSize& size) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("width", size.width);
  out.Set("height", size.height);
  return out;
}

Napi::Object textResultToJs(Napi::Env env, const input::TextResult& r) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("typed", r.typed);
  out.Set("skipped", r.skipped);
  return out;
}

}  // namespace binding
