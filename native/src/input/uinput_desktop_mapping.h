#pragma once
// Moonlight's mouse and keyboard as the evdev events of a virtual relative
// mouse and a virtual US keyboard (uinput): what UinputDesktop writes,
// computed without a device so it is tested where /dev/uinput is absent.
// The compositor reads the keyboard through its own keymap, so keys are
// physical US positions: a virtual key is the key that carries it there.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "input/gamepad_mapping.h"
#include "input/injector_types.h"
#include "input/scroll_accumulator.h"

namespace input {

// The evdev key (KEY_*) of a Windows virtual-key code on a US keyboard; 0 when none.
uint16_t evdevKeyForVirtualKey(int virtualKey);

// Where a code point is on a US keyboard: printable ASCII, newline, tab, backspace.
struct UsKey {
  uint16_t key;
  bool shift;
};
std::optional<UsKey> usKeyForCodePoint(uint32_t codePoint);

// One action's events, per device; each non-empty list ends with SYN_REPORT.
struct DesktopEvents {
  std::vector<EvdevEvent> mouse;
  std::vector<EvdevEvent> keyboard;
};

// The event mapping with the state it needs: pending wheel remainders and
// what is held (for releaseAll).
class UinputDesktopEvents {
 public:
  DesktopEvents moveBy(int dx, int dy);
  // evdev button codes: BTN_LEFT (0x110) … BTN_EXTRA (0x114).
  DesktopEvents button(int evdevButton, bool down);
  // High-resolution amounts (120 = one notch), up/right positive: the hi-res
  // axes get them as they are, the classic wheel the whole notches.
  DesktopEvents scroll(int verticalAmount, int horizontalAmount);
  // nullopt when the virtual key has no key.
  std::optional<DesktopEvents> key(int virtualKey, bool down);
  // One press and release per code point, Shift around it where needed.
  DesktopEvents text(const std::string& utf8, TextResult& result);
  DesktopEvents releaseAll();

 private:
  std::set<uint16_t> heldKeys_;
  std::set<uint16_t> heldButtons_;
  ScrollAccumulator vertical_;
  ScrollAccumulator horizontal_;
};

// What the two devices declare: the keyboard's keys, the mouse's buttons.
std::vector<uint16_t> uinputKeyboardKeys();
std::vector<uint16_t> uinputMouseButtons();

}  // namespace input
