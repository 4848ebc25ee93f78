#pragma once
// The X11 desktop as a frame source: the root window, grabbed through MIT-SHM
// into a shared segment the converter reads in place (GetImage when the
// server cannot share memory with us, e.g. a remote display), the cursor
// composited from XFixes, and XDamage to skip grabs when nothing changed.
#include <xcb/xcb.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "media/frame_source.h"

namespace media {

struct X11SourceOptions {
  std::string display;  // empty: $DISPLAY
  bool cursor = true;
};

// What a display offers, without throwing: the host decides between X11 and
// the synthetic source with it. `reachable` also means "capturable": a
// display of a pixel format we cannot read is reported unreachable, with why.
struct X11DisplayProbe {
  bool reachable = false;
  int width = 0;
  int height = 0;
  bool shm = false;
  std::string reason;  // empty when reachable
};

X11DisplayProbe probeX11Display(const std::string& display);

class ShmSegment;

class X11Source : public FrameSource {
 public:
  explicit X11Source(const X11SourceOptions& options);
  ~X11Source() override;
  X11Source(const X11Source&) = delete;
  X11Source& operator=(const X11Source&) = delete;

  int width() const override { return width_; }
  int height() const override { return height_; }
  bool needsBuffer() const override { return false; }
  const char* mode() const override { return shm_ ? "shm" : "get-image"; }
  // Ignores the buffer: delivers the pixels in its own memory (the SHM
  // segment or the last GetImage reply), valid until the next grab.
  GrabResult grab(uint64_t frameIndex, uint8_t* bgra, int strideBytes) override;

 private:
  struct CursorState {
    int x = 0;
    int y = 0;
    uint32_t serial = 0;
    bool operator==(const CursorState& o) const {
      return x == o.x && y == o.y && serial == o.serial;
    }
  };
  struct FreeDeleter {
    void operator()(void* p) const { std::free(p); }
  };
  struct Disconnect {
    void operator()(xcb_connection_t* c) const { xcb_disconnect(c); }
  };

  void checkConnection() const;
  void setUpCursor();
  void setUpDamage();
  bool takeDamage();
  uint8_t* grabScreen();
  uint8_t* grabShm();
  uint8_t* grabGetImage();
  [[noreturn]] void throwXError(const char* what, xcb_generic_error_t* error) const;

  std::string displayName_;
  bool drawCursor_;
  // Declared before everything that uses it, so it is closed last.
  std::unique_ptr<xcb_connection_t, Disconnect> connection_;
  xcb_window_t root_ = 0;
  int width_ = 0;
  int height_ = 0;
  int strideBytes_ = 0;
  std::unique_ptr<ShmSegment> shm_;                            // null: GetImage mode
  std::unique_ptr<xcb_get_image_reply_t, FreeDeleter> image_;  // GetImage mode
  uint32_t damage_ = 0;                                        // 0: no XDamage, grab every frame
  uint8_t damageNotifyEvent_ = 0;
  bool haveFrame_ = false;
  CursorState lastCursor_;
  const uint8_t* lastPixels_ = nullptr;
};

}  // namespace media
