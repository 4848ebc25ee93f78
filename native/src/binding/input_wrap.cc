#include "binding/input_wrap.h"

#include <string>

#include "input/vk_keysyms.h"

namespace binding {
namespace {

Napi::Array eventsToJs(Napi::Env env, const std::vector<input::EvdevEvent>& events) {
  Napi::Array out = Napi::Array::New(env, events.size());
  for (uint32_t i = 0; i < events.size(); ++i) {
    Napi::Array e = Napi::Array::New(env, 3);
    e.Set(0u, events[i].type);
    e.Set(1u, events[i].code);
    e.Set(2u, events[i].value);
    out.Set(i, e);
  }
  return out;
}

int16_t requireInt16(const RequiredFields& o, const char* key) {
  const int v = o.int32(key);
  if (v < -32768 || v > 32767) invalidInput(std::string(key) + " must be an int16");
  return static_cast<int16_t>(v);
}

uint8_t requireUint8(const RequiredFields& o, const char* key) {
  const int v = o.int32(key);
  if (v < 0 || v > 255) invalidInput(std::string(key) + " must be 0..255");
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
    return eventsToJs(env, input::gamepadEvents(stateFromJs(info[0]), stateFromJs(info[1])));
  });
}

Napi::Value desktopEventsToJs(Napi::Env env, const input::DesktopEvents& events) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("mouse", eventsToJs(env, events.mouse));
  out.Set("keyboard", eventsToJs(env, events.keyboard));
  return out;
}

int intAt(const Napi::Array& action, uint32_t i) {
  const Napi::Value v = action.Get(i);
  if (!v.IsNumber())
    invalidInput("uinputDesktopEvents: action argument " + std::to_string(i) + " must be a number");
  return v.As<Napi::Number>().Int32Value();
}

Napi::Value applyAction(Napi::Env env, input::UinputDesktopEvents& mapping, const Napi::Array& a) {
  const std::string name = a.Get(0u).ToString().Utf8Value();
  if (name == "moveBy") return desktopEventsToJs(env, mapping.moveBy(intAt(a, 1), intAt(a, 2)));
  if (name == "button")
    return desktopEventsToJs(env, mapping.button(intAt(a, 1), intAt(a, 2) != 0));
  if (name == "scroll") return desktopEventsToJs(env, mapping.scroll(intAt(a, 1), intAt(a, 2)));
  if (name == "releaseAll") return desktopEventsToJs(env, mapping.releaseAll());
  if (name == "key") {
    const auto events = mapping.key(intAt(a, 1), intAt(a, 2) != 0);
    return events ? desktopEventsToJs(env, *events) : env.Null();
  }
  if (name == "text") {
    input::TextResult result{0, 0};
    return desktopEventsToJs(env, mapping.text(a.Get(1u).ToString().Utf8Value(), result));
  }
  invalidInput("uinputDesktopEvents: unknown action " + name);
}

// uinputDesktopEvents([[action, ...args], …]) → one {mouse, keyboard} per
// action (null for a key with no key): what UinputDesktop writes, from one
// fresh mapping state, without /dev/uinput.
Napi::Value UinputDesktopEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsArray()) invalidInput("uinputDesktopEvents(actions)");
    const Napi::Array actions = info[0].As<Napi::Array>();
    input::UinputDesktopEvents mapping;
    Napi::Array out = Napi::Array::New(env, actions.Length());
    for (uint32_t i = 0; i < actions.Length(); ++i) {
      if (!actions.Get(i).IsArray()) invalidInput("uinputDesktopEvents: each action is an array");
      out.Set(i, applyAction(env, mapping, actions.Get(i).As<Napi::Array>()));
    }
    return out;
  });
}

// keysymForVirtualKey(vk) and keysymForCodePoint(cp): the engine's own
// tables, for injectors that take keysyms (GNOME's remote desktop) so every
// path maps keys the same way. 0 where there is none.
Napi::Value KeysymForVirtualKey(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsNumber()) invalidInput("keysymForVirtualKey(virtualKey)");
    const int virtualKey = info[0].As<Napi::Number>().Int32Value();
    return Napi::Number::New(env, input::keysymForVirtualKey(virtualKey));
  });
}

Napi::Value KeysymForCodePoint(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsNumber()) invalidInput("keysymForCodePoint(codePoint)");
    const uint32_t codePoint = info[0].As<Napi::Number>().Uint32Value();
    return Napi::Number::New(env, input::keysymForCodePoint(codePoint));
  });
}

}  // namespace

void InitInput(Napi::Env env, Napi::Object exports) {
  X11InputWrap::Init(env, exports);
  WlrInputWrap::Init(env, exports);
  UinputGamepadWrap::Init(env, exports);
  UinputDesktopWrap::Init(env, exports);
  exports.Set("uinputDesktopEvents", Napi::Function::New(env, UinputDesktopEvents));
  exports.Set("gamepadEvents", Napi::Function::New(env, GamepadEvents));
  exports.Set("keysymForVirtualKey", Napi::Function::New(env, KeysymForVirtualKey));
  exports.Set("keysymForCodePoint", Napi::Function::New(env, KeysymForCodePoint));
}

void X11InputWrap::Init(Napi::Env env, Napi::Object exports) {
  exports.Set("X11Input", DefineClass(env, "X11Input", methods()));
}

X11InputWrap::X11InputWrap(const Napi::CallbackInfo& info) : DesktopInputWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const std::string display = RequiredFields(info[0], "X11Input options").string("display");
    if (display.empty()) invalidInput("display must be a non-empty string");
    engine_ = std::make_unique<input::X11Injector>(display);
    return info.Env().Undefined();
  });
}

void WlrInputWrap::Init(Napi::Env env, Napi::Object exports) {
  exports.Set("WlrInput", DefineClass(env, "WlrInput", methods()));
}

WlrInputWrap::WlrInputWrap(const Napi::CallbackInfo& info) : DesktopInputWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const RequiredFields options(info[0], "WlrInput options");
    input::WlrInjectorOptions o{options.string("display"), options.string("runtimeDir"),
                                options.int32("timeoutMs"), options.string("output")};
    if (o.display.empty()) invalidInput("display must be a non-empty string");
    if (o.timeoutMs <= 0) invalidInput("timeoutMs must be positive");
    engine_ = std::make_unique<input::WlrInjector>(o);
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

void UinputDesktopWrap::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "UinputDesktop",
                  {InstanceMethod<&UinputDesktopWrap::MoveBy>("moveBy"),
                   InstanceMethod<&UinputDesktopWrap::Button>("button"),
                   InstanceMethod<&UinputDesktopWrap::Scroll>("scroll"),
                   InstanceMethod<&UinputDesktopWrap::Key>("key"),
                   InstanceMethod<&UinputDesktopWrap::Text>("text"),
                   InstanceMethod<&UinputDesktopWrap::ReleaseAll>("releaseAll"), closeMethod()});
  exports.Set("UinputDesktop", cls);
}

UinputDesktopWrap::UinputDesktopWrap(const Napi::CallbackInfo& info) : EngineWrap(info) {
  guarded(info.Env(), [&]() -> Napi::Value {
    const std::string path = RequiredFields(info[0], "UinputDesktop options").string("devicePath");
    engine_ = std::make_unique<input::UinputDesktop>(path);
    return info.Env().Undefined();
  });
}

Napi::Value UinputDesktopWrap::MoveBy(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const auto [dx, dy] = twoInts(info, "moveBy(dx, dy)");
    engine().moveBy(dx, dy);
    return info.Env().Undefined();
  });
}

Napi::Value UinputDesktopWrap::Button(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    const auto [button, down] = intAndBool(info, "button(evdevButton, down)");
    engine().button(button, down);
    return info.Env().Undefined();
  });
}

Napi::Value UinputDesktopWrap::Scroll(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const auto [vertical, horizontal] = twoInts(info, "scroll(vertical, horizontal)");
    return Napi::Number::New(env, engine().scroll(vertical, horizontal));
  });
}

Napi::Value UinputDesktopWrap::Key(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    const auto [virtualKey, down] = intAndBool(info, "key(virtualKey, down)");
    return Napi::Boolean::New(env, engine().key(virtualKey, down));
  });
}

Napi::Value UinputDesktopWrap::Text(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    if (!info[0].IsString()) invalidInput("text(string)");
    return textResultToJs(env, engine().text(info[0].As<Napi::String>().Utf8Value()));
  });
}

Napi::Value UinputDesktopWrap::ReleaseAll(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), [&]() -> Napi::Value {
    engine().releaseAll();
    return info.Env().Undefined();
  });
}

}  // namespace binding
