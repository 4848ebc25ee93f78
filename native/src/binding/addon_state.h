#pragma once
// Per-environment addon state. The addon is loaded by the main thread and by
// every streaming worker; each gets its own AddonState (no statics), and a
// cleanup hook closes whatever native objects that environment left open.
#include <napi.h>

#include <memory>
#include <unordered_set>

namespace binding {

// A wrapped object whose native resources can be released early.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void closeNative() = 0;
};

// Live wrapped objects of one environment. Shared (not owned) by each wrapper
// so it outlives the env's instance data during teardown, whatever the order.
class LiveRegistry {
 public:
  void add(Closable* object) { live_.insert(object); }
  void remove(Closable* object) { live_.erase(object); }
  size_t size() const { return live_.size(); }
  void closeAll() {
    auto objects = std::move(live_);
    live_.clear();
    for (Closable* object : objects) object->closeNative();
  }

 private:
  std::unordered_set<Closable*> live_;
};

struct AddonState {
  std::shared_ptr<LiveRegistry> live = std::make_shared<LiveRegistry>();
  Napi::FunctionReference errorClass;  // set by the TS facade: NativeError
  Napi::FunctionReference captureClass;
  Napi::FunctionReference encoderClass;
  Napi::FunctionReference decoderClass;
};

inline AddonState& stateOf(Napi::Env env) { return *env.GetInstanceData<AddonState>(); }

}  // namespace binding
