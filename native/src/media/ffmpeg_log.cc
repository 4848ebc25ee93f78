#include "media/ffmpeg_log.h"

#include <cstdarg>
#include <cstdio>
#include <mutex>

extern "C" {
#include <libavutil/error.h>
#include <libavutil/log.h>
}

#include "media/media_error.h"

namespace media {
namespace {

// thread_local, not a shared static: each worker thread collects its own lines.
thread_local std::string* tCaptureTarget = nullptr;

void logCallback(void* avcl, int level, const char* fmt, va_list args) {
  if (level > AV_LOG_WARNING) return;
  char line[1024];
  int prefix = 1;
  av_log_format_line2(avcl, level, fmt, args, line, sizeof(line), &prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.empty()) return;
  if (tCaptureTarget != nullptr) {
    if (!tCaptureTarget->empty()) tCaptureTarget->append("; ");
    tCaptureTarget->append(text);
    return;
  }
  if (level <= AV_LOG_ERROR) std::fprintf(stderr, "[ffmpeg] %s\n", text.c_str());
}

}  // namespace

void installFfmpegLogCapture() {
  // av_log's callback is FFmpeg's own process-wide setting; install it exactly once.
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_callback(logCallback); });
}

FfmpegLogCapture::FfmpegLogCapture() : previous_(tCaptureTarget) {
  installFfmpegLogCapture();
  tCaptureTarget = &lines_;
}

FfmpegLogCapture::~FfmpegLogCapture() { tCaptureTarget = previous_; }

std::string FfmpegLogCapture::text() const { return lines_; }

std::string describeAvError(int averror) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(averror, buf, sizeof(buf));
  return buf;
}

}  // namespace media
