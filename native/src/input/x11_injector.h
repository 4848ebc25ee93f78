#pragma once
// Mouse and keyboard input into an X display through XTEST, on a
// connection of its own. Every call sends its events and flushes them
// (one Moonlight packet, one flush). What it holds down (keys, buttons) it
// remembers, so releaseAll() can leave nothing stuck when a stream ends.
#include <xcb/xcb.h>

#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "input/injector_types.h"
#include "input/scroll_accumulator.h"
#include "input/x11_keyboard.h"

namespace input {

class X11Injector {
 public:
  // Throws DISPLAY_UNAVAILABLE when the display cannot be opened or lacks XTEST.
  explicit X11Injector(const std::string& display);
  // Releases what is held, restores the keyboard mapping, disconnects.
  ~X11Injector();
  X11Injector(const X11Injector&) = delete;
  X11Injector& operator=(const X11Injector&) = delete;

  // The root window's size in pixels, kept current through ConfigureNotify.
  ScreenSize screenSize();

  // Pointer to (x, y) in screen pixels, clamped to the screen.
  void moveTo(int x, int y);
  void moveBy(int dx, int dy);
  // X button numbers: 1 left, 2 middle, 3 right, 8 back, 9 forward.
  void button(int xButton, bool down);
  // High-resolution amounts (120 = one notch); up/right positive. Returns
  // the clicks sent (buttons 4/5 vertical, 6/7 horizontal).
  int scroll(int verticalAmount, int horizontalAmount);
  // A Windows virtual-key code; false when it has no keysym or no keycode.
  bool key(int virtualKey, bool down);
  // Types UTF-8 text, one press and release per code point.
  TextResult text(const std::string& utf8);
  // Releases every key and button this injector holds down.
  void releaseAll();

 private:
  void fake(uint8_t type, uint8_t detail, xcb_window_t root = XCB_NONE, int x = 0, int y = 0);
  void pressKeycode(xcb_keycode_t keycode, bool down);
  std::optional<xcb_keycode_t> keycodeFor(uint32_t keysym);
  bool typeKeysym(uint32_t keysym);
  int clickRepeatedly(int notches, int positiveButton, int negativeButton);
  void pollEvents();
  void flush();

  std::string display_;
  xcb_connection_t* c_ = nullptr;
  xcb_window_t root_ = XCB_NONE;
  ScreenSize screen_{0, 0};
  std::unique_ptr<X11Keyboard> keyboard_;
  std::set<xcb_keycode_t> heldKeycodes_;
  std::set<int> heldButtons_;
  // Which keycode each held virtual key went down on, so its release goes
  // to the same key even if the mapping changed in between.
  std::unordered_map<int, xcb_keycode_t> heldVirtualKeys_;
  ScrollAccumulator vertical_;
  ScrollAccumulator horizontal_;
};

}  // namespace input
