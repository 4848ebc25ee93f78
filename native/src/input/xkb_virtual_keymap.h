#pragma once
// The keyboard a virtual-keyboard client brings along: a us-layout xkb
// keymap compiled here (the compositor learns it from a memfd, so no
// compositor setting changes what a keysym means), where each keysym is on
// which key and level, and the modifier state its key presses make.
#include <xkbcommon/xkbcommon.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace input {

struct KeyPlace {
  // evdev code (xkb keycode - 8), what the virtual keyboard sends.
  uint32_t evdevKey;
  // The modifiers (xkb mask) that select the keysym's level on that key.
  uint32_t levelMods;
};

struct ModifierState {
  uint32_t depressed;
  uint32_t latched;
  uint32_t locked;
  uint32_t group;
  bool operator==(const ModifierState& o) const {
    return depressed == o.depressed && latched == o.latched && locked == o.locked &&
           group == o.group;
  }
  bool operator!=(const ModifierState& o) const { return !(*this == o); }
};

class XkbVirtualKeymap {
 public:
  // Throws INPUT_UNAVAILABLE when the keymap does not compile (no xkb data).
  XkbVirtualKeymap();
  ~XkbVirtualKeymap();
  XkbVirtualKeymap(const XkbVirtualKeymap&) = delete;
  XkbVirtualKeymap& operator=(const XkbVirtualKeymap&) = delete;

  // The keymap text (XKB_KEYMAP_FORMAT_TEXT_V1), NUL included as the protocol wants.
  const std::string& text() const { return text_; }
  // A sealed memfd holding text(); the caller owns (and closes) it. -1 on failure.
  int memfd() const;

  // The lowest level of any key that produces the keysym.
  std::optional<KeyPlace> find(uint32_t keysym) const;
  // The key of the first level-0 keysym among the modifier keys that sets `mods`.
  std::optional<uint32_t> modifierKeyFor(uint32_t mods) const;

  // Feeds a key press or release to the modifier state; the new state.
  ModifierState update(uint32_t evdevKey, bool down);
  ModifierState modifiers() const;
  // Forgets every pressed key (the state of a keyboard with nothing held).
  void reset();

 private:
  void index();

  xkb_context* context_ = nullptr;
  xkb_keymap* keymap_ = nullptr;
  xkb_state* state_ = nullptr;
  std::string text_;
  std::unordered_map<uint32_t, KeyPlace> places_;
};

}  // namespace input
