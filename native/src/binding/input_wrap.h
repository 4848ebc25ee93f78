#pragma once
// The input injectors as JS objects (engine: native/src/input/).
#include "binding/desktop_input_wrap.h"
#include "binding/engine_wrap.h"
#include "input/uinput_desktop.h"
#include "input/uinput_gamepad.h"
#include "input/wlr_injector.h"
#include "input/x11_injector.h"

namespace binding {

// Registers X11Input, WlrInput, UinputGamepad, UinputDesktop, the pure
// mappings gamepadEvents() and uinputDesktopEvents(), and the keysym tables
// (keysymForVirtualKey, keysymForCodePoint).
void InitInput(Napi::Env env, Napi::Object exports);

// JS: new X11Input({display}); the methods of DesktopInputWrap, with
// button(xButton, down).
class X11InputWrap : public DesktopInputWrap<X11InputWrap, input::X11Injector> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit X11InputWrap(const Napi::CallbackInfo& info);
};

// JS: new WlrInput({display, runtimeDir, timeoutMs}); the methods of
// DesktopInputWrap, with button(evdevButton, down).
class WlrInputWrap : public DesktopInputWrap<WlrInputWrap, input::WlrInjector> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit WlrInputWrap(const Napi::CallbackInfo& info);
};

// JS: new UinputGamepad({devicePath}); update(state) → events written; close().
class UinputGamepadWrap : public EngineWrap<UinputGamepadWrap, input::UinputGamepad> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit UinputGamepadWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Update(const Napi::CallbackInfo& info);
};

// JS: new UinputDesktop({devicePath}); moveBy(dx, dy), button(evdevButton,
// down), scroll(vertical, horizontal) → notches, key(vk, down) → bool,
// text(utf8) → {typed, skipped}, releaseAll(), close().
class UinputDesktopWrap : public EngineWrap<UinputDesktopWrap, input::UinputDesktop> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit UinputDesktopWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value MoveBy(const Napi::CallbackInfo& info);
  Napi::Value Button(const Napi::CallbackInfo& info);
  Napi::Value Scroll(const Napi::CallbackInfo& info);
  Napi::Value Key(const Napi::CallbackInfo& info);
  Napi::Value Text(const Napi::CallbackInfo& info);
  Napi::Value ReleaseAll(const Napi::CallbackInfo& info);
};

}  // namespace binding
