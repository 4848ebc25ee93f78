#pragma once
// FFmpeg reports why an encoder failed to open (e.g. "Cannot load libcuda.so.1")
// only through av_log. This captures those lines per thread, so each worker
// thread sees its own encoder's reasons and nothing leaks between threads.
#include <string>

namespace media {

// Installs the process-wide av_log callback once; safe to call from any thread.
void installFfmpegLogCapture();

// While alive, FFmpeg warnings/errors raised on this thread are collected.
class FfmpegLogCapture {
 public:
  FfmpegLogCapture();
  ~FfmpegLogCapture();
  FfmpegLogCapture(const FfmpegLogCapture&) = delete;
  FfmpegLogCapture& operator=(const FfmpegLogCapture&) = delete;
  // The collected lines joined with "; ", trimmed.
  std::string text() const;

 private:
  std::string* previous_;
  std::string lines_;
};

}  // namespace media
