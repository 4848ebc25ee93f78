#pragma once
// The input injectors as JS objects (engine: native/src/input/).
#include "binding/engine_wrap.h"
#include "input/uinput_gamepad.h"
#include "input/wlr_injector.h"
#include "input/x11_injector.h"

namespace binding {

// Registers X11Input, WlrInput, UinputGamepad and gamepadEvents().
void InitInput(Napi::Env env, Napi::Object exports);

// JS: new X11Input({display}); screenSize(), moveTo(x, y), moveBy(dx, dy),
// button(xButton, down), scroll(vertical, horizontal), key(vk, down),
// text(utf8), releaseAll(), close().
class X11InputWrap : public EngineWrap<X11InputWrap, input::X11Injector> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit X11InputWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value ScreenSize(const Napi::CallbackInfo& info);
  Napi::Value MoveTo(const Napi::CallbackInfo& info);
  Napi::Value MoveBy(const Napi::CallbackInfo& info);
  Napi::Value Button(const Napi::CallbackInfo& info);
  Napi::Value Scroll(const Napi::CallbackInfo& info);
  Napi::Value Key(const Napi::CallbackInfo& info);
  Napi::Value Text(const Napi::CallbackInfo& info);
  Napi::Value ReleaseAll(const Napi::CallbackInfo& info);
};

// JS: new WlrInput({display, runtimeDir, timeoutMs}); the same methods as
// X11Input, with button(evdevButton, down).
class WlrInputWrap : public EngineWrap<WlrInputWrap, input::WlrInjector> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit WlrInputWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value ScreenSize(const Napi::CallbackInfo& info);
  Napi::Value MoveTo(const Napi::CallbackInfo& info);
  Napi::Value MoveBy(const Napi::CallbackInfo& info);
  Napi::Value Button(const Napi::CallbackInfo& info);
  Napi::Value Scroll(const Napi::CallbackInfo& info);
  Napi::Value Key(const Napi::CallbackInfo& info);
  Napi::Value Text(const Napi::CallbackInfo& info);
  Napi::Value ReleaseAll(const Napi::CallbackInfo& info);
};

// JS: new UinputGamepad({devicePath}); update(state) → events written; close().
class UinputGamepadWrap : public EngineWrap<UinputGamepadWrap, input::UinputGamepad> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit UinputGamepadWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Update(const Napi::CallbackInfo& info);
};

}  // namespace binding
