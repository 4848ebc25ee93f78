#include "input/xkb_virtual_keymap.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "input/input_error.h"

namespace input {
namespace {

// xkb keycodes are evdev codes shifted by 8 (the X protocol's minimum).
constexpr uint32_t kEvdevOffset = 8;
constexpr uint32_t kShiftL = 0xffe1;
constexpr uint32_t kIsoLevel3Shift = 0xfe03;

[[noreturn]] void keymapUnavailable(const std::string& message) {
  throw MediaError(code::kInputUnavailable, message);
}

}  // namespace

XkbVirtualKeymap::XkbVirtualKeymap() {
  context_ = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
  if (!context_) keymapUnavailable("cannot create an xkb context");
  // A fixed us layout: Moonlight's virtual keys are US keys, and text()
  // reaches what this layout lacks through no other path.
  const xkb_rule_names names = {"evdev", "pc105", "us", "", ""};
  keymap_ = xkb_keymap_new_from_names(context_, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
  if (!keymap_) {
    xkb_context_unref(context_);
    keymapUnavailable("cannot compile the us xkb keymap (is xkb-data installed?)");
  }
  state_ = xkb_state_new(keymap_);
  char* text = xkb_keymap_get_as_string(keymap_, XKB_KEYMAP_FORMAT_TEXT_V1);
  text_.assign(text, std::strlen(text) + 1);
  std::free(text);
  index();
}

XkbVirtualKeymap::~XkbVirtualKeymap() {
  xkb_state_unref(state_);
  xkb_keymap_unref(keymap_);
  xkb_context_unref(context_);
}

void XkbVirtualKeymap::index() {
  const xkb_keycode_t min = std::max<xkb_keycode_t>(xkb_keymap_min_keycode(keymap_), kEvdevOffset);
  const xkb_keycode_t max = xkb_keymap_max_keycode(keymap_);
  for (xkb_keycode_t keycode = min; keycode <= max; ++keycode) {
    const xkb_level_index_t levels = xkb_keymap_num_levels_for_key(keymap_, keycode, 0);
    for (xkb_level_index_t level = 0; level < levels; ++level) {
      const xkb_keysym_t* syms = nullptr;
      const int count = xkb_keymap_key_get_syms_by_level(keymap_, keycode, 0, level, &syms);
      xkb_mod_mask_t mask = 0;
      if (count < 1 ||
          xkb_keymap_key_get_mods_for_level(keymap_, keycode, 0, level, &mask, 1) < 1) {
        continue;
      }
      // Lower keycodes and levels first: 'a' lands on the main block, not a keypad.
      places_.emplace(syms[0], KeyPlace{keycode - kEvdevOffset, mask});
    }
  }
}

int XkbVirtualKeymap::memfd() const {
  const int fd = memfd_create("punktfunk-keymap", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return -1;
  size_t written = 0;
  while (written < text_.size()) {
    const ssize_t n = write(fd, text_.data() + written, text_.size() - written);
    if (n <= 0) {
      close(fd);
      return -1;
    }
    written += static_cast<size_t>(n);
  }
  // The compositor maps it read-only; sealing keeps us from changing it under it.
  fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  return fd;
}

std::optional<KeyPlace> XkbVirtualKeymap::find(uint32_t keysym) const {
  const auto it = places_.find(keysym);
  if (it == places_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint32_t> XkbVirtualKeymap::modifierKeyFor(uint32_t mods) const {
  for (const uint32_t keysym : {kShiftL, kIsoLevel3Shift}) {
    const std::optional<KeyPlace> place = find(keysym);
    if (!place) continue;
    // Which modifiers a press of that key sets: try it on a scratch state.
    xkb_state* scratch = xkb_state_new(keymap_);
    xkb_state_update_key(scratch, place->evdevKey + kEvdevOffset, XKB_KEY_DOWN);
    const xkb_mod_mask_t sets = xkb_state_serialize_mods(scratch, XKB_STATE_MODS_DEPRESSED);
    xkb_state_unref(scratch);
    if (sets == mods) return place->evdevKey;
  }
  return std::nullopt;
}

ModifierState XkbVirtualKeymap::update(uint32_t evdevKey, bool down) {
  xkb_state_update_key(state_, evdevKey + kEvdevOffset, down ? XKB_KEY_DOWN : XKB_KEY_UP);
  return modifiers();
}

ModifierState XkbVirtualKeymap::modifiers() const {
  return {xkb_state_serialize_mods(state_, XKB_STATE_MODS_DEPRESSED),
          xkb_state_serialize_mods(state_, XKB_STATE_MODS_LATCHED),
          xkb_state_serialize_mods(state_, XKB_STATE_MODS_LOCKED),
          xkb_state_serialize_layout(state_, XKB_STATE_LAYOUT_EFFECTIVE)};
}

void XkbVirtualKeymap::reset() {
  xkb_state_unref(state_);
  state_ = xkb_state_new(keymap_);
}

}  // namespace input
