#pragma once
// Reads an options object that the TS facade has completed: the facade fills
// every default (packages/native/src/options.ts and the facades beside it),
// so every field here is required. A missing or ill-typed field is an error
// naming the object, the field and what it got, never a quiet fallback: a
// default lives in one place only. Ranges stay the engine's to check.
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "media/media_error.h"

namespace binding {

// Thrown by RequiredFields. An INVALID_ARGUMENT like any other, so JS gets the
// NativeError every native failure is (errors.ts), its message reading like
// a TypeError's: "Capture options: width is required (an integer (int32)), got undefined".
class FieldTypeError : public media::MediaError {
 public:
  explicit FieldTypeError(const std::string& message)
      : media::MediaError(media::code::kInvalidArgument, message) {}
};

class RequiredFields {
 public:
  // `what` names the object in messages, e.g. "Capture options".
  RequiredFields(const Napi::Value& options, std::string what);

  std::string string(const char* key) const;
  bool boolean(const char* key) const;
  double number(const char* key) const;
  // A number with no fraction that fits an int32 / a uint32.
  int32_t int32(const char* key) const;
  uint32_t uint32(const char* key) const;
  // A safe integer (0..2^53-1), which a double holds exactly.
  uint64_t safeUint(const char* key) const;
  // A Uint8Array, copied.
  std::vector<uint8_t> bytes(const char* key) const;
  // A Uint8Array, or null for none (empty).
  std::vector<uint8_t> bytesOrNull(const char* key) const;
  // A nested options object, read the same way ("Capture options.pipewire").
  RequiredFields object(const char* key) const;

 private:
  Napi::Value field(const char* key, const char* expected) const;
  double integer(const char* key, const char* expected, double min, double max) const;
  [[noreturn]] void illTyped(const char* key, const char* expected, const Napi::Value& got) const;

  Napi::Object object_;
  std::string what_;
};

// What a JS value is, for messages: "undefined", "null", "a string", "an Int16Array", …
std::string describeJsType(const Napi::Value& value);

}  // namespace binding
