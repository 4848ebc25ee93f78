#pragma once
#include <napi.h>

namespace binding {
// Free functions: setErrorClass, monotonicUs, openCodecContexts, releaseFreeMemory,
// liveHandles, probeX11Display.
void InitModuleFunctions(Napi::Env env, Napi::Object exports);
}  // namespace binding
