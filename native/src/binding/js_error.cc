#include "binding/js_error.h"

#include "binding/addon_state.h"

namespace binding {

// A worker being terminated cannot take a new exception (napi_throw fails, and
// node-addon-api's ThrowAsJavaScriptException would abort the whole process);
// neither can a call that already has one pending. Then the error is dropped:
// the JS side is going away or already has its exception.
static bool canThrow(Napi::Env env) {
  bool pending = false;
  return napi_is_exception_pending(env, &pending) == napi_ok && !pending;
}

void throwJsError(Napi::Env env, const std::string& code, const std::string& message) {
  if (!canThrow(env)) return;
  AddonState& state = stateOf(env);
  napi_value error = nullptr;
  if (!state.errorClass.IsEmpty()) {
    error = state.errorClass.New({Napi::String::New(env, code), Napi::String::New(env, message)});
  } else {
    Napi::Error plain = Napi::Error::New(env, message);
    plain.Set("code", Napi::String::New(env, code));
    error = plain.Value();
  }
  // Constructing the error may itself fail during teardown: throw only what exists.
  if (error != nullptr && canThrow(env)) napi_throw(env, error);
}

}  // namespace binding
