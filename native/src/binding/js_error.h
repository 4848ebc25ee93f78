#pragma once
// Turns engine exceptions into JS errors that carry a `code`.
#include <napi.h>

#include <string>

#include "media/media_error.h"

namespace binding {

void throwJsError(Napi::Env env, const std::string& code, const std::string& message);

// Runs `body`; an engine exception becomes a pending JS exception instead.
template <typename Body>
Napi::Value guarded(Napi::Env env, Body&& body) {
  try {
    return body();
  } catch (const media::MediaError& e) {
    throwJsError(env, e.code(), e.what());
  } catch (const std::bad_alloc&) {
    throwJsError(env, media::code::kOutOfMemory, "out of memory");
  } catch (const std::exception& e) {
    throwJsError(env, "NATIVE_FAILURE", e.what());
  }
  return env.Undefined();
}

}  // namespace binding
