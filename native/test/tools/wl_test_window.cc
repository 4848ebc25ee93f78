// A test Wayland client, the twin of x11_test_window: an xdg-shell toplevel
// that asks to be fullscreen, shows a known colour pattern through wl_shm,
// and reports the input it receives as JSON lines on stdout. The Wayland
// capture and input tests run it under headless sway or mutter; nothing ships it.
//
//   wl_test_window [--animate]
//
// Pattern: four quadrants, red (top left), green (top right), blue (bottom
// left), white (bottom right), the colours of x11_test_window. --animate
// also moves a black bar across the window every 16 ms, so every captured
// frame differs (benchmarks). The compositor decides the size (fullscreen
// covers the output); each configure redraws at the new size.
// Output: {"type":"ready","width":W,"height":H} once the first buffer at the
// configured size is on screen ({"type":"resized",…} after later changes),
// then one line per input event: enter/motion (surface coordinates),
// button (evdev code), axis, key (evdev code, keysym from the compositor's
// keymap, UTF-8, modifiers) and modifiers.
#include <poll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>
#include <xkbcommon/xkbcommon.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "xdg-shell-client-protocol.h"

namespace {

constexpr uint32_t kRed = 0xff0000;
constexpr uint32_t kGreen = 0x00ff00;
constexpr uint32_t kBlue = 0x0000ff;
constexpr uint32_t kWhite = 0xffffff;
constexpr uint32_t kBlack = 0x000000;
constexpr int kAnimateIntervalMs = 16;
constexpr int kBarWidth = 16;
// Used only if the compositor leaves the size to us (0x0 configure).
constexpr int kDefaultWidth = 640, kDefaultHeight = 480;
// After a 0x0 configure (size left to us) the compositor may still be about
// to apply the fullscreen request; ready waits this long for that.
constexpr int kUnsizedReadyDelayMs = 1000;
// Three buffers: one on screen, one the compositor may still read, one to draw.
constexpr int kBufferCount = 3;
// wl_seat v5 has pointer frame/axis_source/axis_discrete; enough here.
constexpr uint32_t kSeatVersion = 5;

void emit(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

int64_t nowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

struct Buffer {
  wl_buffer* buffer = nullptr;
  uint32_t* pixels = nullptr;
  size_t bytes = 0;
  int width = 0;
  int height = 0;
  bool busy = false;
};

struct App {
  wl_display* display = nullptr;
  wl_compositor* compositor = nullptr;
  wl_shm* shm = nullptr;
  xdg_wm_base* wmBase = nullptr;
  wl_seat* seat = nullptr;
  wl_surface* surface = nullptr;
  xdg_surface* xdgSurface = nullptr;
  xdg_toplevel* toplevel = nullptr;
  wl_pointer* pointer = nullptr;
  wl_keyboard* keyboard = nullptr;
  xkb_context* xkb = nullptr;
  xkb_keymap* keymap = nullptr;
  xkb_state* xkbState = nullptr;
  Buffer buffers[kBufferCount];
  int pendingWidth = 0, pendingHeight = 0;
  int width = 0, height = 0;
  int shownWidth = 0, shownHeight = 0;
  bool configured = false;
  bool readySent = false;
  // The shown size is one the compositor chose (not our default for 0x0).
  bool sizeFromCompositor = false;
  int64_t unsizedReadyAtMs = 0;
  bool animate = false;
  bool running = true;
  int frame = 0;
  int64_t nextFrameMs = 0;
};

// ---- drawing ----

void bufferRelease(void* data, wl_buffer*) { static_cast<Buffer*>(data)->busy = false; }
const wl_buffer_listener kBufferListener = {bufferRelease};

void destroyBuffer(Buffer& b) {
  if (b.buffer) wl_buffer_destroy(b.buffer);
  if (b.pixels) munmap(b.pixels, b.bytes);
  b = Buffer{};
}

bool createBuffer(App& app, Buffer& b, int width, int height) {
  const int stride = width * 4;
  const size_t bytes = static_cast<size_t>(stride) * height;
  const int fd = memfd_create("wl_test_window", MFD_CLOEXEC);
  if (fd < 0 || ftruncate(fd, static_cast<off_t>(bytes)) != 0) return false;
  void* map = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) {
    close(fd);
    return false;
  }
  wl_shm_pool* pool = wl_shm_create_pool(app.shm, fd, static_cast<int32_t>(bytes));
  b.buffer = wl_shm_pool_create_buffer(pool, 0, width, height, stride, WL_SHM_FORMAT_XRGB8888);
  wl_shm_pool_destroy(pool);
  close(fd);
  wl_buffer_add_listener(b.buffer, &kBufferListener, &b);
  b.pixels = static_cast<uint32_t*>(map);
  b.bytes = bytes;
  b.width = width;
  b.height = height;
  return true;
}

Buffer* freeBuffer(App& app) {
  for (Buffer& b : app.buffers) {
    if (b.busy) continue;
    if (b.buffer && (b.width != app.width || b.height != app.height)) destroyBuffer(b);
    if (!b.buffer && !createBuffer(app, b, app.width, app.height)) return nullptr;
    return &b;
  }
  return nullptr;  // all in use: skip this frame, the next tick tries again
}

void paint(const App& app, Buffer& b) {
  const int halfW = b.width / 2, halfH = b.height / 2;
  const int barX = app.animate ? (app.frame * 4) % (b.width > 0 ? b.width : 1) : -kBarWidth - 1;
  for (int y = 0; y < b.height; ++y) {
    uint32_t* row = b.pixels + static_cast<size_t>(y) * b.width;
    for (int x = 0; x < b.width; ++x) {
      const uint32_t quadrant =
          y < halfH ? (x < halfW ? kRed : kGreen) : (x < halfW ? kBlue : kWhite);
      row[x] = (x >= barX && x < barX + kBarWidth) ? kBlack : quadrant;
    }
  }
}

void frameDone(void* data, wl_callback* callback, uint32_t);
void emitShown(App& app);
const wl_callback_listener kFrameListener = {frameDone};

void draw(App& app) {
  Buffer* b = freeBuffer(app);
  if (!b) return;
  paint(app, *b);
  b->busy = true;
  wl_surface_attach(app.surface, b->buffer, 0, 0);
  wl_surface_damage_buffer(app.surface, 0, 0, b->width, b->height);
  wl_callback_add_listener(wl_surface_frame(app.surface), &kFrameListener, &app);
  wl_surface_commit(app.surface);
}

// The compositor shows a frame: the buffer committed before is on screen.
void frameDone(void* data, wl_callback* callback, uint32_t) {
  wl_callback_destroy(callback);
  auto& app = *static_cast<App*>(data);
  if (app.shownWidth == app.width && app.shownHeight == app.height) return;
  if (!app.readySent && !app.sizeFromCompositor) {
    if (app.unsizedReadyAtMs == 0) app.unsizedReadyAtMs = nowMs() + kUnsizedReadyDelayMs;
    return;
  }
  emitShown(app);
}

void emitShown(App& app) {
  app.unsizedReadyAtMs = 0;
  app.shownWidth = app.width;
  app.shownHeight = app.height;
  const char* type = app.readySent ? "resized" : "ready";
  app.readySent = true;
  emit(std::string("{\"type\":\"") + type + "\",\"width\":" + std::to_string(app.width) +
       ",\"height\":" + std::to_string(app.height) + "}");
}

// ---- xdg-shell ----

void wmPing(void*, xdg_wm_base* base, uint32_t serial) { xdg_wm_base_pong(base, serial); }
const xdg_wm_base_listener kWmBaseListener = {wmPing};

void surfaceConfigure(void* data, xdg_surface* surface, uint32_t serial) {
  auto& app = *static_cast<App*>(data);
  xdg_surface_ack_configure(surface, serial);
  const int width = app.pendingWidth > 0 ? app.pendingWidth : kDefaultWidth;
  const int height = app.pendingHeight > 0 ? app.pendingHeight : kDefaultHeight;
  if (app.configured && width == app.width && height == app.height) {
    wl_surface_commit(app.surface);
    return;
  }
  app.configured = true;
  app.sizeFromCompositor = app.pendingWidth > 0 && app.pendingHeight > 0;
  app.width = width;
  app.height = height;
  draw(app);
}
const xdg_surface_listener kSurfaceListener = {surfaceConfigure};

void toplevelConfigure(void* data, xdg_toplevel*, int32_t width, int32_t height, wl_array*) {
  auto& app = *static_cast<App*>(data);
  app.pendingWidth = width;
  app.pendingHeight = height;
}
void toplevelClose(void* data, xdg_toplevel*) { static_cast<App*>(data)->running = false; }
void toplevelBounds(void*, xdg_toplevel*, int32_t, int32_t) {}
void toplevelCapabilities(void*, xdg_toplevel*, wl_array*) {}
const xdg_toplevel_listener kToplevelListener = {toplevelConfigure, toplevelClose, toplevelBounds,
                                                 toplevelCapabilities};

// ---- pointer ----

void pointerEnter(void*, wl_pointer*, uint32_t, wl_surface*, wl_fixed_t x, wl_fixed_t y) {
  emit("{\"type\":\"enter\",\"x\":" + number(wl_fixed_to_double(x)) +
       ",\"y\":" + number(wl_fixed_to_double(y)) + "}");
}
void pointerLeave(void*, wl_pointer*, uint32_t, wl_surface*) { emit("{\"type\":\"leave\"}"); }
void pointerMotion(void*, wl_pointer*, uint32_t, wl_fixed_t x, wl_fixed_t y) {
  emit("{\"type\":\"motion\",\"x\":" + number(wl_fixed_to_double(x)) +
       ",\"y\":" + number(wl_fixed_to_double(y)) + "}");
}
void pointerButton(void*, wl_pointer*, uint32_t, uint32_t, uint32_t button, uint32_t state) {
  emit("{\"type\":\"button\",\"button\":" + std::to_string(button) +
       ",\"press\":" + (state == WL_POINTER_BUTTON_STATE_PRESSED ? "true" : "false") + "}");
}
void pointerAxis(void*, wl_pointer*, uint32_t, uint32_t axis, wl_fixed_t value) {
  emit("{\"type\":\"axis\",\"axis\":" + std::to_string(axis) +
       ",\"value\":" + number(wl_fixed_to_double(value)) + "}");
}
void pointerFrame(void*, wl_pointer*) {}
void pointerAxisSource(void*, wl_pointer*, uint32_t) {}
void pointerAxisStop(void*, wl_pointer*, uint32_t, uint32_t) {}
void pointerAxisDiscrete(void*, wl_pointer*, uint32_t axis, int32_t discrete) {
  emit("{\"type\":\"axis_discrete\",\"axis\":" + std::to_string(axis) +
       ",\"discrete\":" + std::to_string(discrete) + "}");
}
const wl_pointer_listener kPointerListener = {
    pointerEnter, pointerLeave,      pointerMotion,   pointerButton,       pointerAxis,
    pointerFrame, pointerAxisSource, pointerAxisStop, pointerAxisDiscrete, nullptr};

// ---- keyboard ----

void keyboardKeymap(void* data, wl_keyboard*, uint32_t format, int32_t fd, uint32_t size) {
  auto& app = *static_cast<App*>(data);
  if (format != WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1) {
    close(fd);
    return;
  }
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) return;
  xkb_keymap* keymap =
      xkb_keymap_new_from_string(app.xkb, static_cast<const char*>(map), XKB_KEYMAP_FORMAT_TEXT_V1,
                                 XKB_KEYMAP_COMPILE_NO_FLAGS);
  munmap(map, size);
  if (!keymap) {
    std::fprintf(stderr, "wl_test_window: the compositor's keymap does not compile\n");
    return;
  }
  if (app.xkbState) xkb_state_unref(app.xkbState);
  if (app.keymap) xkb_keymap_unref(app.keymap);
  app.keymap = keymap;
  app.xkbState = xkb_state_new(keymap);
  emit("{\"type\":\"keymap\"}");
}
void keyboardEnter(void*, wl_keyboard*, uint32_t, wl_surface*, wl_array*) {
  emit("{\"type\":\"focus\",\"in\":true}");
}
void keyboardLeave(void*, wl_keyboard*, uint32_t, wl_surface*) {
  emit("{\"type\":\"focus\",\"in\":false}");
}

bool modActive(const App& app, const char* name) {
  return xkb_state_mod_name_is_active(app.xkbState, name, XKB_STATE_MODS_EFFECTIVE) > 0;
}

void keyboardKey(void* data, wl_keyboard*, uint32_t, uint32_t, uint32_t key, uint32_t state) {
  auto& app = *static_cast<App*>(data);
  if (!app.xkbState) return;
  // xkb keycodes are evdev codes + 8 (the X convention).
  const xkb_keycode_t keycode = key + 8;
  const xkb_keysym_t keysym = xkb_state_key_get_one_sym(app.xkbState, keycode);
  char utf8[16] = {0};
  xkb_state_key_get_utf8(app.xkbState, keycode, utf8, sizeof utf8);
  const uint32_t mods = xkb_state_serialize_mods(app.xkbState, XKB_STATE_MODS_EFFECTIVE);
  emit("{\"type\":\"key\",\"key\":" + std::to_string(key) +
       ",\"press\":" + (state == WL_KEYBOARD_KEY_STATE_PRESSED ? "true" : "false") +
       ",\"keysym\":" + std::to_string(keysym) + ",\"utf8\":" + jsonString(utf8) +
       ",\"mods\":" + std::to_string(mods) +
       ",\"shift\":" + (modActive(app, XKB_MOD_NAME_SHIFT) ? "true" : "false") +
       ",\"ctrl\":" + (modActive(app, XKB_MOD_NAME_CTRL) ? "true" : "false") + "}");
}

void keyboardModifiers(void* data, wl_keyboard*, uint32_t, uint32_t depressed, uint32_t latched,
                       uint32_t locked, uint32_t group) {
  auto& app = *static_cast<App*>(data);
  if (!app.xkbState) return;
  xkb_state_update_mask(app.xkbState, depressed, latched, locked, 0, 0, group);
  emit("{\"type\":\"modifiers\",\"depressed\":" + std::to_string(depressed) +
       ",\"latched\":" + std::to_string(latched) + ",\"locked\":" + std::to_string(locked) +
       ",\"group\":" + std::to_string(group) +
       ",\"shift\":" + (modActive(app, XKB_MOD_NAME_SHIFT) ? "true" : "false") + "}");
}
void keyboardRepeat(void*, wl_keyboard*, int32_t, int32_t) {}
const wl_keyboard_listener kKeyboardListener = {keyboardKeymap, keyboardEnter,     keyboardLeave,
                                                keyboardKey,    keyboardModifiers, keyboardRepeat};

void seatCapabilities(void* data, wl_seat* seat, uint32_t caps) {
  auto& app = *static_cast<App*>(data);
  const bool hasPointer = caps & WL_SEAT_CAPABILITY_POINTER;
  const bool hasKeyboard = caps & WL_SEAT_CAPABILITY_KEYBOARD;
  // Input sent before the seat has a device reaches no one: tests wait for this.
  emit(std::string("{\"type\":\"seat\",\"pointer\":") + (hasPointer ? "true" : "false") +
       ",\"keyboard\":" + (hasKeyboard ? "true" : "false") + "}");
  if (hasPointer && !app.pointer) {
    app.pointer = wl_seat_get_pointer(seat);
    wl_pointer_add_listener(app.pointer, &kPointerListener, &app);
  } else if (!hasPointer && app.pointer) {
    wl_pointer_release(app.pointer);
    app.pointer = nullptr;
  }
  if (hasKeyboard && !app.keyboard) {
    app.keyboard = wl_seat_get_keyboard(seat);
    wl_keyboard_add_listener(app.keyboard, &kKeyboardListener, &app);
  } else if (!hasKeyboard && app.keyboard) {
    wl_keyboard_release(app.keyboard);
    app.keyboard = nullptr;
  }
}
void seatName(void*, wl_seat*, const char*) {}
const wl_seat_listener kSeatListener = {seatCapabilities, seatName};

// ---- globals and main loop ----

void registryGlobal(void* data, wl_registry* registry, uint32_t name, const char* interface,
                    uint32_t version) {
  auto& app = *static_cast<App*>(data);
  const auto bind = [&](const wl_interface* iface, uint32_t wanted) {
    return wl_registry_bind(registry, name, iface, version < wanted ? version : wanted);
  };
  if (std::strcmp(interface, wl_compositor_interface.name) == 0) {
    app.compositor = static_cast<wl_compositor*>(bind(&wl_compositor_interface, 4));
  } else if (std::strcmp(interface, wl_shm_interface.name) == 0) {
    app.shm = static_cast<wl_shm*>(bind(&wl_shm_interface, 1));
  } else if (std::strcmp(interface, xdg_wm_base_interface.name) == 0) {
    app.wmBase = static_cast<xdg_wm_base*>(bind(&xdg_wm_base_interface, 1));
    xdg_wm_base_add_listener(app.wmBase, &kWmBaseListener, &app);
  } else if (std::strcmp(interface, wl_seat_interface.name) == 0 && !app.seat) {
    app.seat = static_cast<wl_seat*>(bind(&wl_seat_interface, kSeatVersion));
    wl_seat_add_listener(app.seat, &kSeatListener, &app);
  }
}
void registryGlobalRemove(void*, wl_registry*, uint32_t) {}
const wl_registry_listener kRegistryListener = {registryGlobal, registryGlobalRemove};

void createWindow(App& app) {
  app.surface = wl_compositor_create_surface(app.compositor);
  app.xdgSurface = xdg_wm_base_get_xdg_surface(app.wmBase, app.surface);
  xdg_surface_add_listener(app.xdgSurface, &kSurfaceListener, &app);
  app.toplevel = xdg_surface_get_toplevel(app.xdgSurface);
  xdg_toplevel_add_listener(app.toplevel, &kToplevelListener, &app);
  xdg_toplevel_set_title(app.toplevel, "punktfunk wl_test_window");
  xdg_toplevel_set_app_id(app.toplevel, "punktfunk-wl-test-window");
  // A request, not a demand: the compositor picks the output and the size.
  xdg_toplevel_set_fullscreen(app.toplevel, nullptr);
  wl_surface_commit(app.surface);
}

// Reads and dispatches what arrives within timeoutMs; false when the
// connection is gone.
bool pump(App& app, int timeoutMs) {
  while (wl_display_prepare_read(app.display) != 0) {
    if (wl_display_dispatch_pending(app.display) < 0) return false;
  }
  wl_display_flush(app.display);
  pollfd pfd = {wl_display_get_fd(app.display), POLLIN, 0};
  if (poll(&pfd, 1, timeoutMs) > 0 && (pfd.revents & POLLIN)) {
    if (wl_display_read_events(app.display) < 0) return false;
  } else {
    wl_display_cancel_read(app.display);
  }
  return wl_display_dispatch_pending(app.display) >= 0;
}

void run(App& app) {
  while (app.running) {
    int timeoutMs = -1;
    if (app.unsizedReadyAtMs != 0) {
      const int64_t leftMs = app.unsizedReadyAtMs - nowMs();
      if (leftMs <= 0) emitShown(app);
      timeoutMs = leftMs <= 0 ? -1 : static_cast<int>(leftMs);
    }
    if (app.animate && app.configured) {
      const int64_t now = nowMs();
      if (now >= app.nextFrameMs) {
        ++app.frame;
        draw(app);
        app.nextFrameMs = now + kAnimateIntervalMs;
      }
      const int frameInMs = static_cast<int>(app.nextFrameMs - nowMs());
      timeoutMs =
          timeoutMs < 0 ? std::max(frameInMs, 0) : std::min(timeoutMs, std::max(frameInMs, 0));
    }
    if (!pump(app, timeoutMs)) {
      std::fprintf(stderr, "wl_test_window: lost the compositor connection\n");
      return;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  App app;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--animate") == 0) {
      app.animate = true;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  app.display = wl_display_connect(nullptr);
  if (!app.display) {
    std::fprintf(stderr, "wl_test_window: cannot connect to the Wayland display\n");
    return 1;
  }
  app.xkb = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
  wl_registry_add_listener(wl_display_get_registry(app.display), &kRegistryListener, &app);
  wl_display_roundtrip(app.display);
  if (!app.compositor || !app.shm || !app.wmBase) {
    std::fprintf(stderr,
                 "wl_test_window: the compositor lacks wl_compositor, wl_shm or xdg_wm_base\n");
    return 1;
  }
  createWindow(app);
  run(app);
  wl_display_disconnect(app.display);
  return 0;
}
