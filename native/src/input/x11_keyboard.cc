#include "input/x11_keyboard.h"

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace input {
namespace {

template <typename T>
using Reply = std::unique_ptr<T, decltype(&std::free)>;

template <typename T>
Reply<T> reply(T* raw) {
  return Reply<T>(raw, &std::free);
}

}  // namespace

void X11Keyboard::load() {
  const xcb_setup_t* setup = xcb_get_setup(c_);
  minKeycode_ = setup->min_keycode;
  const int count = setup->max_keycode - setup->min_keycode + 1;
  auto mapping = reply(xcb_get_keyboard_mapping_reply(
      c_, xcb_get_keyboard_mapping(c_, setup->min_keycode, count), nullptr));
  auto modifiers = reply(xcb_get_modifier_mapping_reply(c_, xcb_get_modifier_mapping(c_), nullptr));
  stale_ = false;
  if (!mapping) {
    syms_.clear();
    return;
  }
  perKeycode_ = mapping->keysyms_per_keycode;
  const xcb_keysym_t* syms = xcb_get_keyboard_mapping_keysyms(mapping.get());
  syms_.assign(syms, syms + xcb_get_keyboard_mapping_keysyms_length(mapping.get()));
  if (modifiers) {
    const xcb_keycode_t* codes = xcb_get_modifier_mapping_keycodes(modifiers.get());
    modifierKeycodes_.assign(codes,
                             codes + xcb_get_modifier_mapping_keycodes_length(modifiers.get()));
  }
  // The spare keycodes are those unbound when we first looked; later reads
  // include our own bindings, which must not make them look taken.
  if (!sparesKnown_) {
    for (xcb_keycode_t keycode : findSpareKeycodes()) bindings_.push_back({keycode, 0, 0});
    sparesKnown_ = true;
  }
}

std::vector<xcb_keycode_t> X11Keyboard::findSpareKeycodes() const {
  std::vector<xcb_keycode_t> spare;
  if (perKeycode_ <= 0) return spare;
  const size_t keycodes = syms_.size() / static_cast<size_t>(perKeycode_);
  // From the top down: the highest keycodes are the least likely to be a
  // physical key some other program remaps later.
  for (size_t i = keycodes; i-- > 0;) {
    const auto first = syms_.begin() + static_cast<std::ptrdiff_t>(i * perKeycode_);
    const bool empty = std::all_of(first, first + perKeycode_, [](uint32_t s) { return s == 0; });
    const auto keycode = static_cast<xcb_keycode_t>(minKeycode_ + i);
    const bool modifier = std::find(modifierKeycodes_.begin(), modifierKeycodes_.end(), keycode) !=
                          modifierKeycodes_.end();
    if (empty && !modifier) spare.push_back(keycode);
  }
  return spare;
}

std::optional<KeyLocation> X11Keyboard::search(uint32_t keysym) const {
  for (const Binding& b : bindings_) {
    if (b.keysym == keysym) return KeyLocation{b.keycode, 0};
  }
  if (perKeycode_ <= 0) return std::nullopt;
  const size_t keycodes = syms_.size() / static_cast<size_t>(perKeycode_);
  // Level 0 on any key beats level 1: no Shift needed.
  for (int level = 0; level < std::min(perKeycode_, 2); ++level) {
    for (size_t i = 0; i < keycodes; ++i) {
      if (syms_[i * perKeycode_ + level] == keysym) {
        return KeyLocation{static_cast<xcb_keycode_t>(minKeycode_ + i), level};
      }
    }
  }
  return std::nullopt;
}

std::optional<KeyLocation> X11Keyboard::locate(uint32_t keysym) {
  if (keysym == 0) return std::nullopt;
  const bool wasStale = stale_;
  if (stale_) load();
  std::optional<KeyLocation> found = search(keysym);
  if (!found && !wasStale) {
    load();
    found = search(keysym);
  }
  return found;
}

void X11Keyboard::setMapping(xcb_keycode_t keycode, uint32_t keysym) {
  const int per = std::max(perKeycode_, 2);
  std::vector<xcb_keysym_t> syms(static_cast<size_t>(per), 0);
  syms[0] = keysym;
  syms[1] = keysym;
  xcb_change_keyboard_mapping(c_, 1, keycode, static_cast<uint8_t>(per), syms.data());
}

std::optional<xcb_keycode_t> X11Keyboard::bind(uint32_t keysym,
                                               const std::function<bool(xcb_keycode_t)>& held) {
  if (stale_) load();
  Binding* chosen = nullptr;
  for (Binding& b : bindings_) {
    if (b.keysym == keysym) {
      chosen = &b;
      break;
    }
    if (held(b.keycode)) continue;
    // A free keycode first, else the one used longest ago.
    if (!chosen || (chosen->keysym != 0 && (b.keysym == 0 || b.lastUse < chosen->lastUse))) {
      chosen = &b;
    }
  }
  if (!chosen) return std::nullopt;
  chosen->lastUse = ++useCounter_;
  if (chosen->keysym != keysym) {
    setMapping(chosen->keycode, keysym);
    chosen->keysym = keysym;
  }
  return chosen->keycode;
}

void X11Keyboard::restoreBindings() {
  for (Binding& b : bindings_) {
    if (b.keysym == 0) continue;
    setMapping(b.keycode, 0);
    b.keysym = 0;
  }
}

}  // namespace input
