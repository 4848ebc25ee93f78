#pragma once
// The small real media pipeline the plain C++ tests encode with: a 640x360
// libx264 encoder at 30 fps, 3 Mb/s, and the capture options that feed it.
#include "media/capture.h"
#include "media/encoder.h"

namespace testkit {

inline media::EncoderOptions smallSoftwareEncoder() {
  media::EncoderOptions eo;
  eo.backend = "software";
  eo.width = 640;
  eo.height = 360;
  eo.fps = 30;
  eo.bitrateKbps = 3000;
  return eo;
}

// Synthetic capture at the encoder's size and pixel format.
inline media::CaptureOptions captureFor(const media::EncoderOptions& eo,
                                        const media::Encoder& encoder) {
  media::CaptureOptions co;
  co.width = eo.width;
  co.height = eo.height;
  co.pixelFormat = encoder.info().pixelFormat;
  return co;
}

}  // namespace testkit
