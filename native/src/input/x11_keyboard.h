#pragma once
// The X server's keyboard mapping as the injector needs it: which keycode
// (and Shift level) produces a keysym, and spare keycodes to bind symbols
// the layout lacks (é, €, … when typing text). Plain C++ over xcb.
#include <xcb/xcb.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace input {

struct KeyLocation {
  xcb_keycode_t keycode;
  // 0: the key alone; 1: with Shift.
  int level;
};

class X11Keyboard {
 public:
  explicit X11Keyboard(xcb_connection_t* connection) : c_(connection) {}
  X11Keyboard(const X11Keyboard&) = delete;
  X11Keyboard& operator=(const X11Keyboard&) = delete;

  // A MappingNotify arrived: read the mapping again before the next lookup.
  void mappingChanged() { stale_ = true; }

  // Where `keysym` is (our own bindings first, then levels 0 and 1 of the
  // layout's first group). Reads the mapping again once when it is not
  // found, in case a notification has not arrived yet.
  std::optional<KeyLocation> locate(uint32_t keysym);

  // Binds `keysym` to a spare keycode (on both Shift levels, so a held Shift
  // does not matter) and returns it. The binding stays until its keycode is
  // needed for another symbol or restoreBindings(): a client that reads the
  // mapping after the key event must still find the symbol there. Keycodes
  // for which `held` is true are not taken. nullopt when none is free.
  std::optional<xcb_keycode_t> bind(uint32_t keysym,
                                    const std::function<bool(xcb_keycode_t)>& held);

  // Puts NoSymbol back on every keycode this object bound.
  void restoreBindings();

 private:
  struct Binding {
    xcb_keycode_t keycode;
    uint32_t keysym;  // 0: free
    uint64_t lastUse;
  };

  void load();
  std::optional<KeyLocation> search(uint32_t keysym) const;
  void setMapping(xcb_keycode_t keycode, uint32_t keysym);
  std::vector<xcb_keycode_t> findSpareKeycodes() const;

  xcb_connection_t* c_;
  bool stale_ = true;
  bool sparesKnown_ = false;
  xcb_keycode_t minKeycode_ = 8;
  int perKeycode_ = 0;
  std::vector<uint32_t> syms_;
  std::vector<xcb_keycode_t> modifierKeycodes_;
  std::vector<Binding> bindings_;
  uint64_t useCounter_ = 0;
};

}  // namespace input
