#include "binding/required_fields.h"

#include <cmath>
#include <cstdint>
#include <iomanip>
#include <sstream>
#include <utility>

namespace binding {
namespace {

const char* typedArrayName(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array:
      return "an Int8Array";
    case napi_uint8_array:
      return "a Uint8Array";
    case napi_uint8_clamped_array:
      return "a Uint8ClampedArray";
    case napi_int16_array:
      return "an Int16Array";
    case napi_uint16_array:
      return "a Uint16Array";
    case napi_int32_array:
      return "an Int32Array";
    case napi_uint32_array:
      return "a Uint32Array";
    case napi_float32_array:
      return "a Float32Array";
    case napi_float64_array:
      return "a Float64Array";
    default:
      return "a typed array";
  }
}

bool isUint8Array(const Napi::Value& value) {
  return value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array;
}

}  // namespace

std::string describeJsType(const Napi::Value& value) {
  if (value.IsUndefined()) return "undefined";
  if (value.IsNull()) return "null";
  if (value.IsBoolean()) return "a boolean";
  if (value.IsNumber()) return "a number";
  if (value.IsString()) return "a string";
  if (value.IsTypedArray()) return typedArrayName(value.As<Napi::TypedArray>().TypedArrayType());
  if (value.IsArray()) return "an array";
  if (value.IsFunction()) return "a function";
  return "an object";
}

RequiredFields::RequiredFields(const Napi::Value& options, std::string what)
    : what_(std::move(what)) {
  if (!options.IsObject() || options.IsArray()) {
    throw FieldTypeError(what_ + " must be an object, got " + describeJsType(options));
  }
  object_ = options.As<Napi::Object>();
}

void RequiredFields::illTyped(const char* key, const char* expected, const Napi::Value& got) const {
  const std::string problem = got.IsUndefined() ? " is required (" : " must be ";
  const std::string close = got.IsUndefined() ? ")" : "";
  throw FieldTypeError(what_ + ": " + key + problem + expected + close + ", got " +
                       describeJsType(got));
}

// The field's value; undefined (absent) is always an error, whatever is expected.
Napi::Value RequiredFields::field(const char* key, const char* expected) const {
  Napi::Value value = object_.Get(key);
  if (value.IsUndefined()) illTyped(key, expected, value);
  return value;
}

RequiredFields RequiredFields::object(const char* key) const {
  Napi::Value value = field(key, "an object");
  if (!value.IsObject() || value.IsArray()) illTyped(key, "an object", value);
  return RequiredFields(value, what_ + "." + key);
}

std::string RequiredFields::string(const char* key) const {
  Napi::Value value = field(key, "a string");
  if (!value.IsString()) illTyped(key, "a string", value);
  return value.As<Napi::String>().Utf8Value();
}

bool RequiredFields::boolean(const char* key) const {
  Napi::Value value = field(key, "a boolean");
  if (!value.IsBoolean()) illTyped(key, "a boolean", value);
  return value.As<Napi::Boolean>().Value();
}

double RequiredFields::number(const char* key) const {
  Napi::Value value = field(key, "a number");
  if (!value.IsNumber()) illTyped(key, "a number", value);
  return value.As<Napi::Number>().DoubleValue();
}

// A number with no fraction within [min, max]: a fraction or an overflow
// would otherwise be cut silently on the way to a C++ int.
double RequiredFields::integer(const char* key, const char* expected, double min,
                               double max) const {
  Napi::Value value = field(key, expected);
  if (!value.IsNumber()) illTyped(key, expected, value);
  const double v = value.As<Napi::Number>().DoubleValue();
  if (!(std::trunc(v) == v && v >= min && v <= max)) {
    std::ostringstream got;
    got << std::setprecision(17) << v;  // all of a uint32 or int32, no exponent
    throw FieldTypeError(what_ + ": " + key + " must be " + expected + ", got " + got.str());
  }
  return v;
}

int32_t RequiredFields::int32(const char* key) const {
  return static_cast<int32_t>(integer(key, "an integer (int32)", INT32_MIN, INT32_MAX));
}

uint32_t RequiredFields::uint32(const char* key) const {
  return static_cast<uint32_t>(integer(key, "an integer in 0..4294967295", 0, UINT32_MAX));
}

uint64_t RequiredFields::safeUint(const char* key) const {
  static constexpr double kMaxSafeInteger = 9007199254740991.0;  // 2^53 - 1
  return static_cast<uint64_t>(integer(key, "an integer in 0..2^53-1", 0, kMaxSafeInteger));
}

std::vector<uint8_t> RequiredFields::bytes(const char* key) const {
  Napi::Value value = field(key, "a Uint8Array");
  if (!isUint8Array(value)) illTyped(key, "a Uint8Array", value);
  Napi::Uint8Array array = value.As<Napi::Uint8Array>();
  return std::vector<uint8_t>(array.Data(), array.Data() + array.ByteLength());
}

std::vector<uint8_t> RequiredFields::bytesOrNull(const char* key) const {
  Napi::Value value = field(key, "a Uint8Array or null");
  if (value.IsNull()) return {};
  if (!isUint8Array(value)) illTyped(key, "a Uint8Array or null", value);
  Napi::Uint8Array array = value.As<Napi::Uint8Array>();
  return std::vector<uint8_t>(array.Data(), array.Data() + array.ByteLength());
}

}  // namespace binding
