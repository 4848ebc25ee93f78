#pragma once
// Engine errors carry a stable code that the binding turns into a JS error `code`.
#include <stdexcept>
#include <string>

namespace media {

// Codes are strings (not an enum) because they cross into JS unchanged.
namespace code {
inline constexpr const char* kInvalidArgument = "INVALID_ARGUMENT";
inline constexpr const char* kEncoderUnavailable = "ENCODER_UNAVAILABLE";
inline constexpr const char* kEncoderFailed = "ENCODER_FAILED";
inline constexpr const char* kDecoderUnavailable = "DECODER_UNAVAILABLE";
inline constexpr const char* kDecoderFailed = "DECODER_FAILED";
inline constexpr const char* kConverterFailed = "CONVERTER_FAILED";
inline constexpr const char* kClosed = "CLOSED";
inline constexpr const char* kOutOfMemory = "OUT_OF_MEMORY";
inline constexpr const char* kAudioSourceUnavailable = "AUDIO_SOURCE_UNAVAILABLE";
// The X display cannot be opened, lacks what capture needs, or was lost.
inline constexpr const char* kCaptureUnavailable = "CAPTURE_UNAVAILABLE";
}  // namespace code

class MediaError : public std::runtime_error {
 public:
  MediaError(std::string errorCode, const std::string& message)
      : std::runtime_error(message), code_(std::move(errorCode)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// FFmpeg's error number as readable text ("Resource temporarily unavailable").
std::string describeAvError(int averror);

}  // namespace media
