#include "binding/net_options.h"

#include <algorithm>
#include <string>

#include "media/media_error.h"

namespace binding {

std::vector<uint8_t> requireBytes(const Napi::Object& options, const char* key) {
  Napi::Value value = options.Get(key);
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw media::MediaError(media::code::kInvalidArgument,
                            std::string(key) + " must be a Uint8Array");
  }
  Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
  return std::vector<uint8_t>(bytes.Data(), bytes.Data() + bytes.ByteLength());
}

net::pf1::Salt requireSalt(const Napi::Object& options) {
  const std::vector<uint8_t> bytes = requireBytes(options, "salt");
  if (bytes.size() != 4) {
    throw media::MediaError(media::code::kInvalidArgument, "salt must be 4 bytes");
  }
  net::pf1::Salt salt;
  std::copy(bytes.begin(), bytes.end(), salt.begin());
  return salt;
}

double requireNumber(const Napi::Object& options, const char* key, double fallback) {
  Napi::Value value = options.Get(key);
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) {
    throw media::MediaError(media::code::kInvalidArgument, std::string(key) + " must be a number");
  }
  return value.As<Napi::Number>().DoubleValue();
}

}  // namespace binding
