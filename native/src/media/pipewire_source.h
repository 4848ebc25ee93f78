#pragma once
// A PipeWire video node as a frame source: what the desktop portal and
// Mutter's screen-cast API hand out on Wayland (a remote fd and a node id),
// or any video node on the default daemon by id or name (gamescope, OBS-style
// tools). PipeWire's thread loop puts the newest buffer into a one-slot
// mailbox; grab() takes it and hands out its mapped memory, so the capture
// stage's time is grab + conversion only. Details in docs/desktop.md.
#include <cstdint>
#include <memory>
#include <string>

#include "media/frame_source.h"

namespace media {

struct PipeWireSourceOptions {
  // A PipeWire remote (portal OpenPipeWireRemote, Mutter); duplicated, the
  // caller keeps its own. -1: the default daemon ($PIPEWIRE_REMOTE, $XDG_RUNTIME_DIR).
  int fd = -1;
  int64_t nodeId = -1;   // the node to capture; -1: by nodeName
  std::string nodeName;  // node.name on the daemon, when nodeId is -1
  bool cursor = true;    // draw the cursor the compositor sends as metadata
  // Ask for exactly this size (both > 0) and this maximum frame rate (> 0),
  // instead of any size and rate: a producer that makes its picture at
  // the size its consumer asks for (Mutter's virtual monitor) makes it at
  // this one; one that cannot fails to negotiate, with that reason.
  int fixedWidth = 0;
  int fixedHeight = 0;
  int maxFps = 0;
  // How long the node may take to negotiate a format and deliver its first
  // frame: a stream that never starts is an error, not a hung worker.
  int stallTimeoutMs = 5000;
};

class PipeWireSource : public FrameSource {
 public:
  explicit PipeWireSource(const PipeWireSourceOptions& options);
  ~PipeWireSource() override;
  PipeWireSource(const PipeWireSource&) = delete;
  PipeWireSource& operator=(const PipeWireSource&) = delete;

  int width() const override;
  int height() const override;
  PixelOrder pixelOrder() const override;
  bool needsBuffer() const override { return false; }
  const char* mode() const override;
  // The newest buffer in place (valid until the next grab), or `repeated`
  // when none arrived and the cursor did not move. Throws
  // CAPTURE_UNAVAILABLE when the stream stalled from the start, failed, or
  // its node or daemon went away.
  GrabResult grab(uint64_t frameIndex, uint8_t* bgra, int strideBytes) override;
  void releaseFrame() override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace media
