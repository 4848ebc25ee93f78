#pragma once
// Reading the byte options (key, salt) the network wrappers share. TS has
// checked them; this is the native side's own defence.
#include <napi.h>

#include <vector>

#include "net/pf1_packet.h"

namespace binding {

std::vector<uint8_t> requireBytes(const Napi::Object& options, const char* key);
net::pf1::Salt requireSalt(const Napi::Object& options);
double requireNumber(const Napi::Object& options, const char* key, double fallback);

}  // namespace binding
