#include "binding/input_wrap.h"

#include <string>

namespace binding {
namespace {

void invalid(const std::string& message) {
  throw media::MediaError(media::code::kInvalidArgument, message);
}

// Two numbers (x, y), (dx, dy), (vertical, horizontal), … checked before use.
std::pair<int, int> twoInts(const Napi::CallbackInfo& info, const char* usage) {
  if (!info[0].IsNumber() || !info[1].IsNumber()) invalid(usage);
  return {info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value()};
}

std::pair<int, bool> intAndBool(const Napi::CallbackInfo& info, const char* usage) {
  if (!info[0].IsNumber() || !info[1].IsBoolean()) invalid(usage);
  return {info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Boolean>().Value()};
}

int16_t requireInt16(const RequiredFields& o, const char* key) {
  const int v = o.int32(key);
  if (v < -32768 || v > 32767) invalid(std::string(key) + " must be an int16");
  return static_cast<int16_t>(v);
}

uint8_t requireUint8(const RequiredFields& o, const char* key) {
  const int v = o.int32(key);
  if (v < 0 || v > 255) invalid(std::string(key) + " must be 0..255");
  return static_cast<uint8_t>(v);
}

input::GamepadState stateFromJs(const Napi::Value& value) {
  const RequiredFields o(value, "gamepad state");
  input::GamepadState s;
  s.buttons = o.uint32("buttons");
  s.leftTrigger = requireUint8(o, "leftTrigger");
  s.rightTrigger = requireUint8(o, "rightTrigger");
  s.leftStickX = requireInt16(o, "leftStickX");
  s.leftStickY = requireInt16(o, "leftStickY");
  s.rightStickX = requireInt16(o, "rightStickX");
  s.rightStickY = requireInt16(o, "rightStickY");
  return s;
}

// gamepadEvents(before, after) → [[type, code, value], …]: the pure mapping,
// for tests and diagnostics where no /dev/uinput exists.
Napi::Value GamepadEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const auto events = input::gamepadEvents(stateFromJs(info[0]), stateFromJs(info[1]));
    Napi::Array out = Napi::Array::New(env, events.size());
    for (uint32_t i = 0; i < events.size(); ++i) {
      Napi::Array e = Napi::Array::New(env, 3);
      e.Set(0u, events[i].type);
      e.Set(1u, events[i].code);
      e.Set(2u, events[i].value);
      out.Set(i, e);
    }
    return out;
  });
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

}  // namespace

void InitInput(Napi::Env env, Napi::Object exports) {
  X11InputWrap::Init(env, exports);
  WlrInputWrap::Init(env, exports);
  UinputGamepadWrap::Init(env, exports);
  exports.Set("gamepadEvents", Napi::Function::New(env, GamepadEvents));
}

void X11InputWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(
      env, "X11Input",
      {InstanceMethod<&X11InputWrap::ScreenSize>("screenSize"),
       InstanceMethod<&X11InputWrap::MoveTo>("moveTo"),
       InstanceMethod<&X11InputWrap::MoveBy>("moveBy"),
       InstanceMethod<&X11InputWrap::Button>("button"),
       InstanceMethod<&X11InputWrap::Scroll>("scroll"), InstanceMethod<&X11InputWrap::Key>("key"),
       InstanceMethod<&X11InputWrap::Text>("text"),
       InstanceMethod<&X11InputWrap::ReleaseAll>("releaseAll"), closeMethod()});
  exports.Set("X11Input", cls);
}

X11InputWrap::X11InputWrap(const Napi::CallbackInfo& info) : EngineWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const std::string display = RequiredFields(info[0], "X11Input options").string("display");
    if (display.empty()) invalid("display must be a non-empty string");
    engine_ = std::make_unique<input::X11Injector>(display);
    return info.Env().Undefined();
  });
}

Napi::Value X11InputWrap::ScreenSize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value { return sizeToJs(env, engine().screenSize()); });
}

Napi::Value X11InputWrap::MoveTo(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const auto [x, y] = twoInts(info, "moveTo(x, y)");
    engine().moveTo(x, y);
    return info.Env().Undefined();
  });
}

Napi::Value X11InputWrap::MoveBy(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const auto [dx, dy] = twoInts(info, "moveBy(dx, dy)");
    engine().moveBy(dx, dy);
    return info.Env().Undefined();
  });
}

Napi::Value X11InputWrap::Button(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const auto [button, down] = intAndBool(info, "button(xButton, down)");
    engine().button(button, down);
    return info.Env().Undefined();
  });
}

Napi::Value X11InputWrap::Scroll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const auto [vertical, horizontal] = twoInts(info, "scroll(vertical, horizontal)");
    return Napi::Number::New(env, engine().scroll(vertical, horizontal));
  });
}

Napi::Value X11InputWrap::Key(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const auto [virtualKey, down] = intAndBool(info, "key(virtualKey, down)");
    return Napi::Boolean::New(env, engine().key(virtualKey, down));
  });
}

Napi::Value X11InputWrap::Text(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsString()) invalid("text(string)");
    return textResultToJs(env, engine().text(info[0].As<Napi::String>().Utf8Value()));
  });
}

Napi::Value X11InputWrap::ReleaseAll(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    engine().releaseAll();
    return info.Env().Undefined();
  });
}

void WlrInputWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(
      env, "WlrInput",
      {InstanceMethod<&WlrInputWrap::ScreenSize>("screenSize"),
       InstanceMethod<&WlrInputWrap::MoveTo>("moveTo"),
       InstanceMethod<&WlrInputWrap::MoveBy>("moveBy"),
       InstanceMethod<&WlrInputWrap::Button>("button"),
       InstanceMethod<&WlrInputWrap::Scroll>("scroll"), InstanceMethod<&WlrInputWrap::Key>("key"),
       InstanceMethod<&WlrInputWrap::Text>("text"),
       InstanceMethod<&WlrInputWrap::ReleaseAll>("releaseAll"), closeMethod()});
  exports.Set("WlrInput", cls);
}

WlrInputWrap::WlrInputWrap(const Napi::CallbackInfo& info) : EngineWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const RequiredFields options(info[0], "WlrInput options");
    input::WlrInjectorOptions o{options.string("display"), options.string("runtimeDir"),
                                options.int32("timeoutMs")};
    if (o.display.empty()) invalid("display must be a non-empty string");
    if (o.timeoutMs <= 0) invalid("timeoutMs must be positive");
    engine_ = std::make_unique<input::WlrInjector>(o);
    return info.Env().Undefined();
  });
}

Napi::Value WlrInputWrap::ScreenSize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value { return sizeToJs(env, engine().screenSize()); });
}

Napi::Value WlrInputWrap::MoveTo(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const auto [x, y] = twoInts(info, "moveTo(x, y)");
    engine().moveTo(x, y);
    return info.Env().Undefined();
  });
}

Napi::Value WlrInputWrap::MoveBy(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const auto [dx, dy] = twoInts(info, "moveBy(dx, dy)");
    engine().moveBy(dx, dy);
    return info.Env().Undefined();
  });
}

Napi::Value WlrInputWrap::Button(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const auto [button, down] = intAndBool(info, "button(evdevButton, down)");
    engine().button(button, down);
    return info.Env().Undefined();
  });
}

Napi::Value WlrInputWrap::Scroll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const auto [vertical, horizontal] = twoInts(info, "scroll(vertical, horizontal)");
    return Napi::Number::New(env, engine().scroll(vertical, horizontal));
  });
}

Napi::Value WlrInputWrap::Key(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const auto [virtualKey, down] = intAndBool(info, "key(virtualKey, down)");
    return Napi::Boolean::New(env, engine().key(virtualKey, down));
  });
}

Napi::Value WlrInputWrap::Text(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsString()) invalid("text(string)");
    return textResultToJs(env, engine().text(info[0].As<Napi::String>().Utf8Value()));
  });
}

Napi::Value WlrInputWrap::ReleaseAll(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    engine().releaseAll();
    return info.Env().Undefined();
  });
}

void UinputGamepadWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(
      env, "UinputGamepad", {InstanceMethod<&UinputGamepadWrap::Update>("update"), closeMethod()});
  exports.Set("UinputGamepad", cls);
}

UinputGamepadWrap::UinputGamepadWrap(const Napi::CallbackInfo& info) : EngineWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const std::string path = RequiredFields(info[0], "UinputGamepad options").string("devicePath");
    engine_ = std::make_unique<input::UinputGamepad>(path);
    return info.Env().Undefined();
  });
}

Napi::Value UinputGamepadWrap::Update(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    return Napi::Number::New(env, engine().update(stateFromJs(info[0])));
  });
}

}  // namespace binding
