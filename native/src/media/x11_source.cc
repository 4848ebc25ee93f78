#include "media/x11_source.h"

#include <sys/ipc.h>
#include <sys/shm.h>
#include <xcb/damage.h>
#include <xcb/shm.h>
#include <xcb/xfixes.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "media/media_error.h"

namespace media {
namespace {

struct Free {
  void operator()(void* p) const { std::free(p); }
};
template <typename T>
using Reply = std::unique_ptr<T, Free>;
using ConnectionPtr = std::unique_ptr<xcb_connection_t, void (*)(xcb_connection_t*)>;

// A probe needs only a page to learn whether the server can attach our memory.
constexpr size_t kProbeSegmentBytes = 4096;

std::string effectiveDisplayName(const std::string& display) {
  if (!display.empty()) return display;
  const char* fromEnv = std::getenv("DISPLAY");
  return fromEnv ? fromEnv : "";
}

std::string lowercaseFirst(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// errno values that connect() itself leaves; anything else (0, EAGAIN) was
// set after the socket connected, by the handshake the server refused.
bool isConnectErrno(int e) {
  return e == ECONNREFUSED || e == ENOENT || e == EACCES || e == ETIMEDOUT || e == EHOSTUNREACH ||
         e == ENETUNREACH;
}

bool hasHostPart(const std::string& display) {
  return display[0] != ':' && display.rfind("unix:", 0) != 0;
}

std::string describeConnectError(const std::string& display, int error, int connectErrno) {
  switch (error) {
    case XCB_CONN_ERROR:
      // xcb keeps no reason of its own; errno from its connect() is the best there is.
      if (isConnectErrno(connectErrno)) return lowercaseFirst(std::strerror(connectErrno));
      return hasHostPart(display)
                 ? "unknown host, or the server refused us: not authorized? check XAUTHORITY"
                 : "the server refused us: not authorized? check XAUTHORITY";
    case XCB_CONN_CLOSED_PARSE_ERR:
      return "not a valid display name";
    case XCB_CONN_CLOSED_INVALID_SCREEN:
      return "no such screen";
    case XCB_CONN_CLOSED_MEM_INSUFFICIENT:
      return "out of memory";
    default:
      return "xcb connection error " + std::to_string(error);
  }
}

struct OpenedDisplay {
  ConnectionPtr connection{nullptr, xcb_disconnect};
  xcb_screen_t* screen = nullptr;
  std::string name;
};

// Throws CAPTURE_UNAVAILABLE naming the display and why it cannot be opened.
OpenedDisplay openDisplay(const std::string& display) {
  OpenedDisplay opened;
  opened.name = effectiveDisplayName(display);
  if (opened.name.empty()) {
    throw MediaError(code::kCaptureUnavailable,
                     "cannot open an X display: none given and $DISPLAY is not set");
  }
  int screenNumber = 0;
  errno = 0;
  opened.connection.reset(xcb_connect(opened.name.c_str(), &screenNumber));
  const int connectErrno = errno;
  if (const int error = xcb_connection_has_error(opened.connection.get())) {
    throw MediaError(code::kCaptureUnavailable,
                     "cannot open display " + opened.name + " (" +
                         describeConnectError(opened.name, error, connectErrno) + ")");
  }
  xcb_screen_iterator_t it = xcb_setup_roots_iterator(xcb_get_setup(opened.connection.get()));
  for (int i = 0; i < screenNumber && it.rem > 0; ++i) xcb_screen_next(&it);
  if (it.rem == 0) {
    throw MediaError(code::kCaptureUnavailable,
                     "cannot open display " + opened.name + " (no such screen)");
  }
  opened.screen = it.data;
  return opened;
}

const xcb_visualtype_t* findVisual(const xcb_screen_t* screen, xcb_visualid_t id) {
  for (auto d = xcb_screen_allowed_depths_iterator(screen); d.rem > 0; xcb_depth_next(&d)) {
    for (auto v = xcb_depth_visuals_iterator(d.data); v.rem > 0; xcb_visualtype_next(&v)) {
      if (v.data->visual_id == id) return v.data;
    }
  }
  return nullptr;
}

// Only what the converters read: 4 bytes a pixel in B, G, R, X order.
// Anything else (16-bit, 30-bit, big-endian servers) is refused here rather
// than streamed in wrong colours. Returns the bytes per row of a full-width image.
int checkPixelFormat(const OpenedDisplay& d) {
  const xcb_setup_t* setup = xcb_get_setup(d.connection.get());
  const int depth = d.screen->root_depth;
  int bitsPerPixel = 0, scanlinePadBits = 32;
  for (auto f = xcb_setup_pixmap_formats_iterator(setup); f.rem > 0; xcb_format_next(&f)) {
    if (f.data->depth == depth) {
      bitsPerPixel = f.data->bits_per_pixel;
      scanlinePadBits = f.data->scanline_pad;
    }
  }
  const xcb_visualtype_t* visual = findVisual(d.screen, d.screen->root_visual);
  const bool bgrx = (depth == 24 || depth == 32) && bitsPerPixel == 32 &&
                    setup->image_byte_order == XCB_IMAGE_ORDER_LSB_FIRST && visual &&
                    visual->red_mask == 0xff0000 && visual->green_mask == 0xff00 &&
                    visual->blue_mask == 0xff;
  if (!bgrx) {
    throw MediaError(code::kCaptureUnavailable,
                     "display " + d.name + " has depth " + std::to_string(depth) + " at " +
                         std::to_string(bitsPerPixel) +
                         " bits per pixel; only 24/32-bit BGRX desktops can be captured");
  }
  const int rowBits = d.screen->width_in_pixels * bitsPerPixel;
  return (rowBits + scanlinePadBits - 1) / scanlinePadBits * scanlinePadBits / 8;
}

// Premultiplied "over" needs x * (255 - alpha) / 255; this is exact for
// x <= 255 * 255 without a division.
inline uint32_t div255(uint32_t x) { return (x + 128 + ((x + 128) >> 8)) >> 8; }

inline void blendPixel(uint32_t argb, uint8_t* px) {
  const uint32_t alpha = argb >> 24;
  if (alpha == 0) return;
  const uint32_t keep = 255 - alpha;
  // B, G, R are ARGB's low three bytes, in the frame's byte order.
  for (int c = 0; c < 3; ++c) {
    const uint32_t src = (argb >> (8 * c)) & 0xff;
    px[c] = static_cast<uint8_t>(std::min<uint32_t>(255, src + div255(px[c] * keep)));
  }
}

// XFixes hands out the cursor as premultiplied ARGB with its hotspot; the
// part off the screen is clipped.
void blendCursor(const xcb_xfixes_get_cursor_image_reply_t& cursor, uint8_t* bgra, int strideBytes,
                 int width, int height) {
  const uint32_t* image = xcb_xfixes_get_cursor_image_cursor_image(&cursor);
  const int left = cursor.x - cursor.xhot, top = cursor.y - cursor.yhot;
  const int x0 = std::max(0, left), x1 = std::min(width, left + cursor.width);
  const int y0 = std::max(0, top), y1 = std::min(height, top + cursor.height);
  for (int y = y0; y < y1; ++y) {
    const uint32_t* src = image + static_cast<size_t>(y - top) * cursor.width;
    uint8_t* dst = bgra + static_cast<size_t>(y) * strideBytes;
    for (int x = x0; x < x1; ++x) blendPixel(src[x - left], dst + static_cast<size_t>(x) * 4);
  }
}

std::string describeXError(const xcb_generic_error_t* error) {
  if (!error) return "no reply";
  const std::string text = "X error " + std::to_string(error->error_code);
  // BadMatch on a root-window grab: the area asked for is no longer on the screen.
  return error->error_code == 8 ? text + ", the screen was probably resized" : text;
}

}  // namespace

// A System V segment the X server writes screen grabs into. It is marked for
// removal as soon as the server has attached it, so it disappears with the
// last detach even if this process dies without cleaning up.
class ShmSegment {
 public:
  // Null when the server has no MIT-SHM or cannot attach our memory (a
  // remote display, or a server running as another user).
  static std::unique_ptr<ShmSegment> create(xcb_connection_t* c, size_t bytes) {
    const xcb_query_extension_reply_t* ext = xcb_get_extension_data(c, &xcb_shm_id);
    if (!ext || !ext->present) return nullptr;
    // 0600: the screen's pixels are nobody else's business.
    const int shmId = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);
    if (shmId < 0) return nullptr;
    void* address = shmat(shmId, nullptr, 0);
    if (address == reinterpret_cast<void*>(-1)) {
      shmctl(shmId, IPC_RMID, nullptr);
      return nullptr;
    }
    const uint32_t segment = xcb_generate_id(c);
    // The checked request is the round trip: afterwards the server has attached or refused.
    xcb_generic_error_t* error = xcb_request_check(c, xcb_shm_attach_checked(c, segment, shmId, 0));
    shmctl(shmId, IPC_RMID, nullptr);
    if (error || xcb_connection_has_error(c)) {
      std::free(error);
      shmdt(address);
      return nullptr;
    }
    return std::unique_ptr<ShmSegment>(new ShmSegment(c, segment, static_cast<uint8_t*>(address)));
  }

  ~ShmSegment() {
    if (!xcb_connection_has_error(connection_)) {
      xcb_shm_detach(connection_, segment_);
      xcb_flush(connection_);
    }
    shmdt(data_);
  }
  ShmSegment(const ShmSegment&) = delete;
  ShmSegment& operator=(const ShmSegment&) = delete;

  uint32_t id() const { return segment_; }
  uint8_t* data() const { return data_; }

 private:
  ShmSegment(xcb_connection_t* c, uint32_t segment, uint8_t* data)
      : connection_(c), segment_(segment), data_(data) {}

  xcb_connection_t* connection_;
  uint32_t segment_;
  uint8_t* data_;
};

X11DisplayProbe probeX11Display(const std::string& display) {
  X11DisplayProbe probe;
  try {
    const OpenedDisplay opened = openDisplay(display);
    probe.width = opened.screen->width_in_pixels;
    probe.height = opened.screen->height_in_pixels;
    checkPixelFormat(opened);
    probe.shm = ShmSegment::create(opened.connection.get(), kProbeSegmentBytes) != nullptr;
    probe.reachable = true;
  } catch (const MediaError& e) {
    probe.reason = e.what();
  }
  return probe;
}

X11Source::X11Source(const X11SourceOptions& options) : drawCursor_(options.cursor) {
  OpenedDisplay opened = openDisplay(options.display);
  displayName_ = opened.name;
  strideBytes_ = checkPixelFormat(opened);
  root_ = opened.screen->root;
  width_ = opened.screen->width_in_pixels;
  height_ = opened.screen->height_in_pixels;
  connection_.reset(opened.connection.release());
  shm_ = ShmSegment::create(connection_.get(), static_cast<size_t>(strideBytes_) * height_);
  if (drawCursor_) setUpCursor();
  setUpDamage();
  checkConnection();
}

// Out of line for ShmSegment's sake; members go in reverse order, so the
// segment detaches while the connection is still open.
X11Source::~X11Source() = default;

void X11Source::checkConnection() const {
  if (const int error = xcb_connection_has_error(connection_.get())) {
    throw MediaError(code::kCaptureUnavailable,
                     "lost the X display " + displayName_ + " (" +
                         (error == XCB_CONN_ERROR ? std::string("the server closed the connection")
                                                  : describeConnectError(displayName_, error, 0)) +
                         ")");
  }
}

void X11Source::setUpCursor() {
  xcb_connection_t* c = connection_.get();
  const xcb_query_extension_reply_t* ext = xcb_get_extension_data(c, &xcb_xfixes_id);
  if (!ext || !ext->present) {
    throw MediaError(code::kCaptureUnavailable,
                     "display " + displayName_ +
                         " has no XFixes extension, needed to draw the cursor (capture "
                         "with cursor: false instead)");
  }
  // XFixes answers other requests only after the client has said which version it speaks.
  std::free(xcb_xfixes_query_version_reply(c, xcb_xfixes_query_version(c, 4, 0), nullptr));
}

// Without XDamage every grab is a full grab; the stream still works.
void X11Source::setUpDamage() {
  xcb_connection_t* c = connection_.get();
  const xcb_query_extension_reply_t* ext = xcb_get_extension_data(c, &xcb_damage_id);
  if (!ext || !ext->present) return;
  std::free(xcb_damage_query_version_reply(c, xcb_damage_query_version(c, 1, 1), nullptr));
  damage_ = xcb_generate_id(c);
  // NON_EMPTY: one event when the region goes from empty to damaged, then
  // none until we subtract; the event count stays tiny however busy the screen.
  xcb_damage_create(c, damage_, root_, XCB_DAMAGE_REPORT_LEVEL_NON_EMPTY);
  damageNotifyEvent_ = ext->first_event + XCB_DAMAGE_NOTIFY;
  // The server reports a new damage object on a window as wholly damaged.
  // The first grab is a full one anyway: clear that, wait for its notify
  // (a round trip) and drop it, or the second grab would repeat the first.
  xcb_damage_subtract(c, damage_, XCB_NONE, XCB_NONE);
  std::free(xcb_get_input_focus_reply(c, xcb_get_input_focus(c), nullptr));
  takeDamage();
}

// Drains the event queue; true if the screen changed since the last subtract.
bool X11Source::takeDamage() {
  bool damaged = damage_ == 0;
  while (xcb_generic_event_t* event = xcb_poll_for_event(connection_.get())) {
    if (damage_ != 0 && (event->response_type & 0x7f) == damageNotifyEvent_) damaged = true;
    std::free(event);
  }
  return damaged;
}

GrabResult X11Source::grab(uint64_t, uint8_t*, int) {
  checkConnection();
  xcb_connection_t* c = connection_.get();
  // The cursor request is also a round trip, so every damage event the
  // server sent before answering it is in our queue when we drain it.
  Reply<xcb_xfixes_get_cursor_image_reply_t> cursor;
  if (drawCursor_) {
    cursor.reset(xcb_xfixes_get_cursor_image_reply(c, xcb_xfixes_get_cursor_image(c), nullptr));
    checkConnection();
  }
  const bool damaged = takeDamage();
  const CursorState cursorNow =
      cursor ? CursorState{cursor->x, cursor->y, cursor->cursor_serial} : CursorState{};
  GrabResult result;
  result.strideBytes = strideBytes_;
  if (haveFrame_ && !damaged && cursorNow == lastCursor_) {
    result.repeated = true;
    result.pixels = lastPixels_;
    return result;
  }
  // Re-arm before grabbing: a change that lands after this request is
  // reported again, so none is lost between the subtract and the grab.
  if (damage_ != 0) xcb_damage_subtract(c, damage_, XCB_NONE, XCB_NONE);
  uint8_t* pixels = grabScreen();
  // The cursor moved without damage: the fresh grab is needed anyway, since
  // the old one has the cursor drawn into it at the old place.
  if (cursor) blendCursor(*cursor, pixels, strideBytes_, width_, height_);
  lastCursor_ = cursorNow;
  lastPixels_ = pixels;
  haveFrame_ = true;
  result.pixels = pixels;
  return result;
}

uint8_t* X11Source::grabScreen() { return shm_ ? grabShm() : grabGetImage(); }

uint8_t* X11Source::grabShm() {
  xcb_connection_t* c = connection_.get();
  const auto cookie = xcb_shm_get_image(c, root_, 0, 0, width_, height_, ~0u,
                                        XCB_IMAGE_FORMAT_Z_PIXMAP, shm_->id(), 0);
  xcb_generic_error_t* error = nullptr;
  Reply<xcb_shm_get_image_reply_t> reply(xcb_shm_get_image_reply(c, cookie, &error));
  if (!reply) throwXError("MIT-SHM GetImage", error);
  return shm_->data();
}

uint8_t* X11Source::grabGetImage() {
  xcb_connection_t* c = connection_.get();
  const auto cookie =
      xcb_get_image(c, XCB_IMAGE_FORMAT_Z_PIXMAP, root_, 0, 0, width_, height_, ~0u);
  xcb_generic_error_t* error = nullptr;
  std::unique_ptr<xcb_get_image_reply_t, FreeDeleter> reply(xcb_get_image_reply(c, cookie, &error));
  if (!reply) throwXError("GetImage", error);
  const size_t frameBytes = static_cast<size_t>(strideBytes_) * height_;
  if (static_cast<size_t>(xcb_get_image_data_length(reply.get())) < frameBytes) {
    throw MediaError(code::kCaptureUnavailable,
                     "GetImage on display " + displayName_ + " returned a short image");
  }
  // Kept until the next grab: the converter and copyBgra read it in place.
  image_ = std::move(reply);
  return xcb_get_image_data(image_.get());
}

void X11Source::throwXError(const char* what, xcb_generic_error_t* error) const {
  const std::string reason = describeXError(error);
  std::free(error);
  checkConnection();  // a lost display says so rather than "no reply"
  throw MediaError(code::kCaptureUnavailable,
                   std::string(what) + " on display " + displayName_ + " failed (" + reason + ")");
}

}  // namespace media
