#pragma once
// A wlroots compositor's output (sway, Hyprland, …) as a frame source,
// through the wlr-screencopy protocol on a Wayland connection of its own: no
// desktop portal, no PipeWire, no GPU (what `grim` and Sunshine's "wlr"
// capture use). The compositor copies each frame into shared memory we keep
// mapped; a thread of ours asks for the next frame as soon as one is ready
// and puts the newest into a one-slot mailbox, so grab() normally takes a
// finished frame and the converter reads it in place. With protocol
// version 2+ frames come only on damage, so a still screen is `repeated`.
// Details in docs/desktop.md.
#include <cstdint>
#include <memory>
#include <string>

#include "media/frame_source.h"

namespace media {

struct WlrScreencopySourceOptions {
  // A socket name in runtimeDir ("wayland-1") or an absolute socket path.
  std::string display;
  // XDG_RUNTIME_DIR of the session the compositor runs in.
  std::string runtimeDir;
  // The output's name ("HEADLESS-1", "DP-1"); empty: the first output.
  std::string output;
  // Ask the compositor to draw the cursor into the frames.
  bool cursor = true;
  // How long a round trip, and the first frame, may take before the
  // compositor counts as hung.
  int timeoutMs = 5000;
};

// The converter's byte order for a wl_shm format (little-endian words:
// XRGB8888 is B,G,R,X in memory); false for formats it cannot read.
bool pixelOrderForShmFormat(uint32_t format, PixelOrder& order);

class WlrScreencopySource : public FrameSource {
 public:
  // Throws CAPTURE_UNAVAILABLE when the socket cannot be reached or does not
  // answer in time, the compositor offers no screencopy (not wlroots?), the
  // output is missing, or the first frame fails or does not come in time.
  explicit WlrScreencopySource(const WlrScreencopySourceOptions& options);
  ~WlrScreencopySource() override;
  WlrScreencopySource(const WlrScreencopySource&) = delete;
  WlrScreencopySource& operator=(const WlrScreencopySource&) = delete;

  int width() const override;
  int height() const override;
  PixelOrder pixelOrder() const override;
  bool needsBuffer() const override { return false; }
  // "wlr-screencopy HEADLESS-1 1280x720 BGRx (damage)".
  const char* mode() const override;
  // The newest finished frame in place (valid until the next grab), or
  // `repeated` when none arrived since the last grab. Never waits for the
  // compositor. Throws CAPTURE_UNAVAILABLE when the output went away, frames
  // keep failing, or the connection broke.
  GrabResult grab(uint64_t frameIndex, uint8_t* bgra, int strideBytes) override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace media
