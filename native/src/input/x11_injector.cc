#include "input/x11_injector.h"

#include <xcb/xtest.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "input/input_error.h"
#include "input/utf8.h"
#include "input/vk_keysyms.h"

namespace input {
namespace {

constexpr uint32_t kShiftL = 0xffe1;
// X's wheel buttons: 4 up, 5 down, 6 left, 7 right.
constexpr int kWheelUp = 4, kWheelDown = 5, kWheelLeft = 6, kWheelRight = 7;
// A wheel packet is at most int16 / 120 = 273 notches; nothing sane needs more.
constexpr int kMaxNotchesPerCall = 300;

std::string connectionProblem(int error) {
  switch (error) {
    case XCB_CONN_ERROR:
      return "cannot connect (no server, or refused)";
    case XCB_CONN_CLOSED_PARSE_ERR:
      return "the display name cannot be parsed";
    case XCB_CONN_CLOSED_INVALID_SCREEN:
      return "the display has no such screen";
    case XCB_CONN_CLOSED_EXT_NOTSUPPORTED:
      return "an extension is not supported";
    case XCB_CONN_CLOSED_MEM_INSUFFICIENT:
      return "out of memory";
    default:
      return "connection error " + std::to_string(error);
  }
}

[[noreturn]] void unavailable(const std::string& message) {
  throw MediaError(code::kDisplayUnavailable, message);
}

int clampInt(int v, int lo, int hi) { return std::max(lo, std::min(hi, v)); }

}  // namespace

X11Injector::X11Injector(const std::string& display) : display_(display) {
  int screenNumber = 0;
  c_ = xcb_connect(display.c_str(), &screenNumber);
  if (const int error = xcb_connection_has_error(c_)) {
    xcb_disconnect(c_);
    c_ = nullptr;
    unavailable("X display " + display + " is unreachable: " + connectionProblem(error));
  }
  const xcb_query_extension_reply_t* xtest = xcb_get_extension_data(c_, &xcb_test_id);
  if (!xtest || !xtest->present) {
    xcb_disconnect(c_);
    c_ = nullptr;
    unavailable("X display " + display + " has no XTEST extension to inject input with");
  }
  xcb_screen_iterator_t it = xcb_setup_roots_iterator(xcb_get_setup(c_));
  for (int i = 0; i < screenNumber && it.rem > 0; ++i) xcb_screen_next(&it);
  root_ = it.data->root;
  screen_ = {it.data->width_in_pixels, it.data->height_in_pixels};
  // StructureNotify on the root: a ConfigureNotify tells us when the
  // screen is resized (RandR), without a round trip per motion.
  const uint32_t mask = XCB_EVENT_MASK_STRUCTURE_NOTIFY;
  xcb_change_window_attributes(c_, root_, XCB_CW_EVENT_MASK, &mask);
  keyboard_ = std::make_unique<X11Keyboard>(c_);
  xcb_flush(c_);
  if (xcb_connection_has_error(c_)) {
    xcb_disconnect(c_);
    c_ = nullptr;
    unavailable("lost the connection to X display " + display);
  }
}

X11Injector::~X11Injector() {
  if (!c_) return;
  if (!xcb_connection_has_error(c_)) {
    try {
      releaseAll();
    } catch (...) {
      // The connection broke meanwhile; the server releases our keys itself.
    }
    keyboard_->restoreBindings();
    xcb_flush(c_);
  }
  keyboard_.reset();
  xcb_disconnect(c_);
}

void X11Injector::fake(uint8_t type, uint8_t detail, xcb_window_t root, int x, int y) {
  xcb_test_fake_input(c_, type, detail, XCB_CURRENT_TIME, root, static_cast<int16_t>(x),
                      static_cast<int16_t>(y), 0);
}

void X11Injector::pollEvents() {
  while (xcb_generic_event_t* event = xcb_poll_for_event(c_)) {
    const uint8_t type = event->response_type & 0x7f;
    if (type == XCB_MAPPING_NOTIFY) {
      const auto* m = reinterpret_cast<xcb_mapping_notify_event_t*>(event);
      if (m->request == XCB_MAPPING_KEYBOARD || m->request == XCB_MAPPING_MODIFIER) {
        keyboard_->mappingChanged();
      }
    } else if (type == XCB_CONFIGURE_NOTIFY) {
      const auto* c = reinterpret_cast<xcb_configure_notify_event_t*>(event);
      if (c->window == root_) screen_ = {c->width, c->height};
    }
    // Errors (type 0) of fake input requests have nothing to act on.
    std::free(event);
  }
}

void X11Injector::flush() {
  xcb_flush(c_);
  if (xcb_connection_has_error(c_)) {
    unavailable("lost the connection to X display " + display_);
  }
  pollEvents();
}

ScreenSize X11Injector::screenSize() {
  pollEvents();
  return screen_;
}

void X11Injector::moveTo(int x, int y) {
  pollEvents();
  fake(XCB_MOTION_NOTIFY, 0, root_, clampInt(x, 0, screen_.width - 1),
       clampInt(y, 0, screen_.height - 1));
  flush();
}

void X11Injector::moveBy(int dx, int dy) {
  // detail 1: relative motion (XTestFakeRelativeMotionEvent).
  fake(XCB_MOTION_NOTIFY, 1, XCB_NONE, clampInt(dx, -32768, 32767), clampInt(dy, -32768, 32767));
  flush();
}

void X11Injector::button(int xButton, bool down) {
  if (xButton < 1 || xButton > 9) {
    throw MediaError(media::code::kInvalidArgument, "X button must be 1..9");
  }
  fake(down ? XCB_BUTTON_PRESS : XCB_BUTTON_RELEASE, static_cast<uint8_t>(xButton));
  if (down)
    heldButtons_.insert(xButton);
  else
    heldButtons_.erase(xButton);
  flush();
}

int X11Injector::clickRepeatedly(int notches, int positiveButton, int negativeButton) {
  const int button = notches > 0 ? positiveButton : negativeButton;
  const int count = std::min(std::abs(notches), kMaxNotchesPerCall);
  for (int i = 0; i < count; ++i) {
    fake(XCB_BUTTON_PRESS, static_cast<uint8_t>(button));
    fake(XCB_BUTTON_RELEASE, static_cast<uint8_t>(button));
  }
  return count;
}

int X11Injector::scroll(int verticalAmount, int horizontalAmount) {
  int clicks = clickRepeatedly(vertical_.add(verticalAmount), kWheelUp, kWheelDown);
  clicks += clickRepeatedly(horizontal_.add(horizontalAmount), kWheelRight, kWheelLeft);
  flush();
  return clicks;
}

std::optional<xcb_keycode_t> X11Injector::keycodeFor(uint32_t keysym) {
  if (std::optional<KeyLocation> at = keyboard_->locate(keysym)) return at->keycode;
  return keyboard_->bind(keysym, [&](xcb_keycode_t k) { return heldKeycodes_.count(k) > 0; });
}

void X11Injector::pressKeycode(xcb_keycode_t keycode, bool down) {
  fake(down ? XCB_KEY_PRESS : XCB_KEY_RELEASE, keycode);
  if (down)
    heldKeycodes_.insert(keycode);
  else
    heldKeycodes_.erase(keycode);
}

bool X11Injector::key(int virtualKey, bool down) {
  pollEvents();
  if (!down) {
    auto held = heldVirtualKeys_.find(virtualKey);
    if (held == heldVirtualKeys_.end()) return true;  // never pressed here: nothing to release
    pressKeycode(held->second, false);
    heldVirtualKeys_.erase(held);
    flush();
    return true;
  }
  const uint32_t keysym = keysymForVirtualKey(virtualKey);
  std::optional<xcb_keycode_t> keycode = keysym ? keycodeFor(keysym) : std::nullopt;
  if (!keycode) return false;
  pressKeycode(*keycode, true);
  heldVirtualKeys_[virtualKey] = *keycode;
  flush();
  return true;
}

bool X11Injector::typeKeysym(uint32_t keysym) {
  std::optional<KeyLocation> at = keyboard_->locate(keysym);
  if (!at) {
    std::optional<xcb_keycode_t> bound =
        keyboard_->bind(keysym, [&](xcb_keycode_t k) { return heldKeycodes_.count(k) > 0; });
    if (!bound) return false;
    at = KeyLocation{*bound, 0};  // bound on both levels: Shift does not matter
  }
  std::optional<KeyLocation> shift;
  if (at->level == 1) {
    shift = keyboard_->locate(kShiftL);
    if (!shift) return false;
  }
  // Shift only when the user is not holding one already.
  const bool addShift = shift && heldKeycodes_.count(shift->keycode) == 0;
  if (addShift) fake(XCB_KEY_PRESS, shift->keycode);
  fake(XCB_KEY_PRESS, at->keycode);
  fake(XCB_KEY_RELEASE, at->keycode);
  if (addShift) fake(XCB_KEY_RELEASE, shift->keycode);
  return true;
}

TextResult X11Injector::text(const std::string& utf8) {
  pollEvents();
  TextResult result{0, 0};
  for (size_t i = 0; i < utf8.size();) {
    const uint32_t keysym = keysymForCodePoint(nextCodePoint(utf8, i));
    if (keysym != 0 && typeKeysym(keysym))
      ++result.typed;
    else
      ++result.skipped;
  }
  flush();
  return result;
}

void X11Injector::releaseAll() {
  for (xcb_keycode_t keycode : heldKeycodes_) fake(XCB_KEY_RELEASE, keycode);
  for (int button : heldButtons_) fake(XCB_BUTTON_RELEASE, static_cast<uint8_t>(button));
  heldKeycodes_.clear();
  heldButtons_.clear();
  heldVirtualKeys_.clear();
  vertical_.reset();
  horizontal_.reset();
  flush();
}

}  // namespace input
