#pragma once
// Shared base of the thin wrappers: registers the object with its
// environment's LiveRegistry, owns the engine object, and gives close().
#include <napi.h>

#include <memory>
#include <string>

#include "binding/addon_state.h"
#include "binding/js_error.h"
#include "binding/required_fields.h"
#include "media/media_error.h"

namespace binding {

template <typename Wrap, typename Engine>
class EngineWrap : public Napi::ObjectWrap<Wrap>, public Closable {
 public:
  explicit EngineWrap(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<Wrap>(info), live_(stateOf(info.Env()).live) {
    live_->add(this);
  }
  ~EngineWrap() override { live_->remove(this); }

  void closeNative() override { engine_.reset(); }

  // The JS `close()` method, for each wrapper's DefineClass list.
  static Napi::ClassPropertyDescriptor<Wrap> closeMethod() {
    using Method = Napi::Value (Wrap::*)(const Napi::CallbackInfo&);
    return Wrap::InstanceMethod("close", static_cast<Method>(&EngineWrap::Close));
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    live_->remove(this);
    closeNative();
    return info.Env().Undefined();
  }

  // The engine object; throws CLOSED after close() or env teardown.
  Engine& engine() {
    if (!engine_) throw media::MediaError(media::code::kClosed, "the object was closed");
    return *engine_;
  }

 protected:
  std::unique_ptr<Engine> engine_;

 private:
  std::shared_ptr<LiveRegistry> live_;
};

}  // namespace binding
