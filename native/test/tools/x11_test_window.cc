// A test X client: a window at a known place with a known colour pattern,
// reporting the input it receives as JSON lines on stdout. The X11 capture
// and input-injection tests run it on an Xvfb display; nothing ships it.
//
//   x11_test_window [--x N] [--y N] [--width N] [--height N] [--animate] [--texture] [--line]
//
// Pattern: four quadrants, red (top left), green (top right), blue (bottom
// left), white (bottom right). --animate also moves a black bar across the
// window every 16 ms, so every captured frame differs (benchmarks).
// --texture instead shows a detailed scene (gradients, text-like glyph rows)
// that pans every 16 ms, about as hard to encode as the synthetic source:
// copied each frame from a server-side pixmap, so drawing costs the X server
// one blit and this client nothing.
// --line instead shows a grey field crossed by two 1-px red lines, one
// vertical at the odd column width/2 + 1, one horizontal at the odd row
// height/2 + 1: 4:2:0 chroma smears such a line over its pixel pair, 4:4:4
// keeps it to its pixel.
// Output: {"type":"ready","window":N}, then one line per key, button or
// motion event: {"type":"key","press":true,"keycode":38,"keysym":97,"state":0}.
#include <poll.h>
#include <time.h>
#include <xcb/xcb.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Options {
  int x = 0;
  int y = 0;
  int width = 320;
  int height = 240;
  bool animate = false;
  bool texture = false;
  bool line = false;
};

constexpr uint32_t kRed = 0xff0000;
constexpr uint32_t kGreen = 0x00ff00;
constexpr uint32_t kBlue = 0x0000ff;
constexpr uint32_t kWhite = 0xffffff;
constexpr uint32_t kBlack = 0x000000;
constexpr uint32_t kGrey = 0x808080;
constexpr int kAnimateIntervalMs = 16;
constexpr int kBarWidth = 16;
// The texture is this much larger than the window: the pan wraps within it.
constexpr int kPanRange = 256;
constexpr int kGlyphRowPx = 24;

Options parseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::atoi(argv[++i]) : 0; };
    if (arg == "--x")
      o.x = next();
    else if (arg == "--y")
      o.y = next();
    else if (arg == "--width")
      o.width = next();
    else if (arg == "--height")
      o.height = next();
    else if (arg == "--animate")
      o.animate = true;
    else if (arg == "--texture")
      o.texture = o.animate = true;
    else if (arg == "--line")
      o.line = true;
    else {
      std::fprintf(stderr, "unknown argument %s\n", arg.c_str());
      std::exit(2);
    }
  }
  return o;
}

class Keymap {
 public:
  explicit Keymap(xcb_connection_t* c) {
    const xcb_setup_t* setup = xcb_get_setup(c);
    minKeycode_ = setup->min_keycode;
    const int count = setup->max_keycode - setup->min_keycode + 1;
    auto* reply = xcb_get_keyboard_mapping_reply(
        c, xcb_get_keyboard_mapping(c, setup->min_keycode, count), nullptr);
    if (!reply) return;
    perKeycode_ = reply->keysyms_per_keycode;
    const xcb_keysym_t* syms = xcb_get_keyboard_mapping_keysyms(reply);
    syms_.assign(syms, syms + xcb_get_keyboard_mapping_keysyms_length(reply));
    std::free(reply);
  }
  // The keysym of a key, with Shift's level when Shift is held.
  uint32_t keysym(uint8_t keycode, uint16_t state) const {
    const int level = (state & XCB_MOD_MASK_SHIFT) ? 1 : 0;
    const size_t index = static_cast<size_t>(keycode - minKeycode_) * perKeycode_ + level;
    if (keycode < minKeycode_ || index >= syms_.size()) return 0;
    const uint32_t sym = syms_[index];
    return sym != 0 || level == 0 ? sym : syms_[index - 1];
  }

 private:
  int minKeycode_ = 8;
  int perKeycode_ = 1;
  std::vector<uint32_t> syms_;
};

// One texel of the scene: colour gradients with glyph-like blocks on every
// other row band, from a small LCG so the scene is the same every run.
uint32_t texel(int x, int y, uint32_t noise) {
  const uint32_t r = (x / 2) & 0xff;
  const uint32_t g = (y * 3) & 0xff;
  const uint32_t b = ((x + y) / 2) & 0xff;
  const bool glyphBand = (y / kGlyphRowPx) % 2 == 1 && (y % kGlyphRowPx) < 14;
  if (glyphBand && (noise >> 16) % 3 == 0) return 0x101010;
  return (r << 16) | (g << 8) | b;
}

// Fills a pixmap of (width + kPanRange) x (height + kPanRange) with the scene,
// sent in row strips that fit the server's request size.
xcb_pixmap_t makeScenePixmap(xcb_connection_t* c, xcb_window_t window, xcb_gcontext_t gc, int width,
                             int height) {
  const int w = width + kPanRange;
  const int h = height + kPanRange;
  xcb_screen_t* screen = xcb_setup_roots_iterator(xcb_get_setup(c)).data;
  const xcb_pixmap_t pixmap = xcb_generate_id(c);
  xcb_create_pixmap(c, screen->root_depth, pixmap, window, w, h);
  const size_t maxRequestBytes = static_cast<size_t>(xcb_get_maximum_request_length(c)) * 4;
  const int stripRows = std::max<int>(1, static_cast<int>((maxRequestBytes - 64) / (w * 4)));
  std::vector<uint32_t> strip(static_cast<size_t>(w) * stripRows);
  uint32_t lcg = 12345;
  for (int y0 = 0; y0 < h; y0 += stripRows) {
    const int rows = std::min(stripRows, h - y0);
    for (int y = 0; y < rows; ++y) {
      for (int x = 0; x < w; ++x) {
        // One random draw per 8x? block keeps the glyphs blocky like text.
        if (x % 8 == 0) lcg = lcg * 1103515245u + 12345u;
        strip[static_cast<size_t>(y) * w + x] = texel(x, y0 + y, lcg);
      }
    }
    xcb_put_image(c, XCB_IMAGE_FORMAT_Z_PIXMAP, pixmap, gc, w, rows, 0, y0, 0, screen->root_depth,
                  static_cast<uint32_t>(rows * w * 4),
                  reinterpret_cast<const uint8_t*>(strip.data()));
  }
  return pixmap;
}

class TestWindow {
 public:
  TestWindow(xcb_connection_t* c, const Options& o) : c_(c), o_(o) {
    xcb_screen_t* screen = xcb_setup_roots_iterator(xcb_get_setup(c)).data;
    window_ = xcb_generate_id(c);
    // override-redirect: placed exactly where asked, window manager or not.
    const uint32_t mask = XCB_CW_BACK_PIXEL | XCB_CW_OVERRIDE_REDIRECT | XCB_CW_EVENT_MASK;
    const uint32_t values[] = {kBlack, 1,
                               XCB_EVENT_MASK_EXPOSURE | XCB_EVENT_MASK_KEY_PRESS |
                                   XCB_EVENT_MASK_KEY_RELEASE | XCB_EVENT_MASK_BUTTON_PRESS |
                                   XCB_EVENT_MASK_BUTTON_RELEASE | XCB_EVENT_MASK_POINTER_MOTION};
    xcb_create_window(c, XCB_COPY_FROM_PARENT, window_, screen->root, o.x, o.y, o.width, o.height,
                      0, XCB_WINDOW_CLASS_INPUT_OUTPUT, screen->root_visual, mask, values);
    gc_ = xcb_generate_id(c);
    // No GraphicsExpose/NoExpose event per blit: they would wake the loop.
    const uint32_t noExposures = 0;
    xcb_create_gc(c, gc_, window_, XCB_GC_GRAPHICS_EXPOSURES, &noExposures);
    if (o.texture) scene_ = makeScenePixmap(c, window_, gc_, o.width, o.height);
    xcb_map_window(c, window_);
    xcb_flush(c);
  }

  void draw(int frame) {
    if (o_.texture) {
      const int16_t panX = static_cast<int16_t>((frame * 4) % kPanRange);
      const int16_t panY = static_cast<int16_t>((frame * 2) % kPanRange);
      xcb_copy_area(c_, scene_, window_, gc_, panX, panY, 0, 0, o_.width, o_.height);
      xcb_flush(c_);
      return;
    }
    const int16_t hw = o_.width / 2;
    const int16_t hh = o_.height / 2;
    if (o_.line) {
      fill(kGrey, 0, 0, o_.width, o_.height);
      fill(kRed, hw + 1, 0, 1, o_.height);
      fill(kRed, 0, hh + 1, o_.width, 1);
      xcb_flush(c_);
      return;
    }
    fill(kRed, 0, 0, hw, hh);
    fill(kGreen, hw, 0, o_.width - hw, hh);
    fill(kBlue, 0, hh, hw, o_.height - hh);
    fill(kWhite, hw, hh, o_.width - hw, o_.height - hh);
    if (o_.animate) fill(kBlack, (frame * 4) % o_.width, 0, kBarWidth, o_.height);
    xcb_flush(c_);
  }

  void focus() {
    xcb_set_input_focus(c_, XCB_INPUT_FOCUS_POINTER_ROOT, window_, XCB_CURRENT_TIME);
    xcb_flush(c_);
  }

  xcb_window_t id() const { return window_; }

 private:
  void fill(uint32_t rgb, int16_t x, int16_t y, int w, int h) {
    xcb_change_gc(c_, gc_, XCB_GC_FOREGROUND, &rgb);
    const xcb_rectangle_t r = {x, y, static_cast<uint16_t>(w), static_cast<uint16_t>(h)};
    xcb_poly_fill_rectangle(c_, window_, gc_, 1, &r);
  }

  xcb_connection_t* c_;
  Options o_;
  xcb_window_t window_;
  xcb_gcontext_t gc_;
  xcb_pixmap_t scene_ = 0;
};

void report(const xcb_generic_event_t* e, const Keymap& keymap) {
  switch (e->response_type & 0x7f) {
    case XCB_KEY_PRESS:
    case XCB_KEY_RELEASE: {
      const auto* k = reinterpret_cast<const xcb_key_press_event_t*>(e);
      std::printf("{\"type\":\"key\",\"press\":%s,\"keycode\":%u,\"keysym\":%u,\"state\":%u}\n",
                  (e->response_type & 0x7f) == XCB_KEY_PRESS ? "true" : "false", k->detail,
                  keymap.keysym(k->detail, k->state), k->state);
      break;
    }
    case XCB_BUTTON_PRESS:
    case XCB_BUTTON_RELEASE: {
      const auto* b = reinterpret_cast<const xcb_button_press_event_t*>(e);
      std::printf("{\"type\":\"button\",\"press\":%s,\"button\":%u,\"x\":%d,\"y\":%d}\n",
                  (e->response_type & 0x7f) == XCB_BUTTON_PRESS ? "true" : "false", b->detail,
                  b->event_x, b->event_y);
      break;
    }
    case XCB_MOTION_NOTIFY: {
      const auto* m = reinterpret_cast<const xcb_motion_notify_event_t*>(e);
      std::printf("{\"type\":\"motion\",\"x\":%d,\"y\":%d}\n", m->event_x, m->event_y);
      break;
    }
    default:
      return;
  }
  std::fflush(stdout);
}

int64_t monotonicMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parseOptions(argc, argv);
  xcb_connection_t* c = xcb_connect(nullptr, nullptr);
  if (xcb_connection_has_error(c)) {
    std::fprintf(stderr, "cannot open display %s\n",
                 std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "");
    return 1;
  }
  Keymap keymap(c);
  TestWindow window(c, o);
  int frame = 0;
  int64_t nextDrawMs = 0;
  bool ready = false;
  pollfd pfd = {xcb_get_file_descriptor(c), POLLIN, 0};
  while (!xcb_connection_has_error(c)) {
    while (xcb_generic_event_t* e = xcb_poll_for_event(c)) {
      if ((e->response_type & 0x7f) == XCB_EXPOSE) {
        window.draw(frame);
        if (!ready) {
          window.focus();
          // A round trip: the drawing is on the screen before we say so.
          std::free(xcb_get_input_focus_reply(c, xcb_get_input_focus(c), nullptr));
          std::printf("{\"type\":\"ready\",\"window\":%u}\n", window.id());
          std::fflush(stdout);
          ready = true;
        }
      } else if ((e->response_type & 0x7f) == XCB_MAPPING_NOTIFY) {
        // The keyboard mapping changed (an injector bound a spare keycode to
        // type a symbol the layout lacks): read it again, as X clients do.
        keymap = Keymap(c);
      } else {
        report(e, keymap);
      }
      std::free(e);
    }
    // Drawn on a 16 ms clock, not per wake-up: input events must not speed it up.
    const int64_t nowMs = monotonicMs();
    if (o.animate && ready && nowMs >= nextDrawMs) {
      window.draw(++frame);
      nextDrawMs = nowMs + kAnimateIntervalMs;
    }
    poll(&pfd, 1, o.animate ? static_cast<int>(std::max<int64_t>(0, nextDrawMs - nowMs)) : -1);
  }
  xcb_disconnect(c);
  return 0;
}
