#pragma once
// The mouse and keyboard methods that X11Input and WlrInput share: their
// engines (input/x11_injector.h, input/wlr_injector.h) have one interface and
// differ only in how they are opened, so each wrapper adds just its
// constructor. JS: screenSize(), moveTo(x, y), moveBy(dx, dy),
// button(button, down), scroll(vertical, horizontal), key(vk, down),
// text(utf8), releaseAll(), close().
#include <napi.h>

#include <string>
#include <utility>
#include <vector>

#include "binding/engine_wrap.h"
#include "input/injector_types.h"

namespace binding {

// Argument checks and result objects for the methods below (desktop_input_wrap.cc).
[[noreturn]] void invalidInput(const std::string& message);
std::pair<int, int> twoInts(const Napi::CallbackInfo& info, const char* usage);
std::pair<int, bool> intAndBool(const Napi::CallbackInfo& info, const char* usage);
Napi::Object sizeToJs(Napi::Env env, const input::ScreenSize& size);
Napi::Object textResultToJs(Napi::Env env, const input::TextResult& r);

template <typename Wrap, typename Engine>
class DesktopInputWrap : public EngineWrap<Wrap, Engine> {
 public:
  using EngineWrap<Wrap, Engine>::EngineWrap;

 protected:
  // The DefineClass list of every desktop input wrapper.
  static std::vector<Napi::ClassPropertyDescriptor<Wrap>> methods() {
    using Method = Napi::Value (Wrap::*)(const Napi::CallbackInfo&);
    auto method = [](const char* name, Method m) { return Wrap::InstanceMethod(name, m); };
    return {method("screenSize", &DesktopInputWrap::ScreenSize),
            method("moveTo", &DesktopInputWrap::MoveTo),
            method("moveBy", &DesktopInputWrap::MoveBy),
            method("button", &DesktopInputWrap::Button),
            method("scroll", &DesktopInputWrap::Scroll),
            method("key", &DesktopInputWrap::Key),
            method("text", &DesktopInputWrap::Text),
            method("releaseAll", &DesktopInputWrap::ReleaseAll),
            EngineWrap<Wrap, Engine>::closeMethod()};
  }

 private:
  Napi::Value ScreenSize(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guarded(env,
                   [&]() -> Napi::Value { return sizeToJs(env, this->engine().screenSize()); });
  }

  Napi::Value MoveTo(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      const auto [x, y] = twoInts(info, "moveTo(x, y)");
      this->engine().moveTo(x, y);
      return info.Env().Undefined();
    });
  }

  Napi::Value MoveBy(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      const auto [dx, dy] = twoInts(info, "moveBy(dx, dy)");
      this->engine().moveBy(dx, dy);
      return info.Env().Undefined();
    });
  }

  Napi::Value Button(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      const auto [button, down] = intAndBool(info, "button(button, down)");
      this->engine().button(button, down);
      return info.Env().Undefined();
    });
  }

  Napi::Value Scroll(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      const auto [vertical, horizontal] = twoInts(info, "scroll(vertical, horizontal)");
      return Napi::Number::New(env, this->engine().scroll(vertical, horizontal));
    });
  }

  Napi::Value Key(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      const auto [virtualKey, down] = intAndBool(info, "key(virtualKey, down)");
      return Napi::Boolean::New(env, this->engine().key(virtualKey, down));
    });
  }

  Napi::Value Text(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guarded(env, [&]() -> Napi::Value {
      if (!info[0].IsString()) invalidInput("text(string)");
      return textResultToJs(env, this->engine().text(info[0].As<Napi::String>().Utf8Value()));
    });
  }

  Napi::Value ReleaseAll(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), [&]() -> Napi::Value {
      this->engine().releaseAll();
      return info.Env().Undefined();
    });
  }
};

}  // namespace binding
