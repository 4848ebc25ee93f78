#include "media/av_frame.h"

#include "media/media_error.h"

namespace media {

AvFramePtr allocateVideoFrame(int width, int height, AVPixelFormat format) {
  AvFramePtr frame(av_frame_alloc());
  if (!frame) throw MediaError(code::kOutOfMemory, "av_frame_alloc failed");
  frame->width = width;
  frame->height = height;
  frame->format = format;
  // Rows aligned to 64 bytes, so the vectorised converters never split a load.
  const int ret = av_frame_get_buffer(frame.get(), 64);
  if (ret < 0) throw MediaError(code::kOutOfMemory, "frame buffer: " + describeAvError(ret));
  return frame;
}

}  // namespace media
