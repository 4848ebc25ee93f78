#include "input/gamepad_mapping.h"

#include <linux/input-event-codes.h>

#include <array>

namespace input {
namespace {

struct ButtonKey {
  uint32_t flag;
  uint16_t key;
};

// Limelight.h flags → xpad's key codes (BTN_X/BTN_Y as xpad reports them).
// The dpad is a hat (below); Sunshine's extra buttons (paddles, touchpad,
// misc) have no place on an Xbox 360 pad and are left out.
constexpr std::array<ButtonKey, 11> kButtons = {{
    {0x1000, BTN_A},
    {0x2000, BTN_B},
    {0x4000, BTN_X},
    {0x8000, BTN_Y},
    {0x0100, BTN_TL},
    {0x0200, BTN_TR},
    {0x0020, BTN_SELECT},  // Back
    {0x0010, BTN_START},
    {0x0400, BTN_MODE},  // Guide
    {0x0040, BTN_THUMBL},
    {0x0080, BTN_THUMBR},
}};

constexpr uint32_t kUp = 0x0001, kDown = 0x0002, kLeft = 0x0004, kRight = 0x0008;

int32_t hat(uint32_t buttons, uint32_t negative, uint32_t positive) {
  return ((buttons & positive) ? 1 : 0) - ((buttons & negative) ? 1 : 0);
}

// evdev's Y grows downwards, XInput's upwards. Negating (not xpad's
// bitwise NOT) keeps the centre at 0; -32768 has no positive twin, so it
// lands on 32767.
int32_t flipY(int16_t y) { return y == -32768 ? 32767 : -static_cast<int32_t>(y); }

struct Axes {
  int32_t x, y, z, rx, ry, rz, hatX, hatY;
};

Axes axesOf(const GamepadState& s) {
  return {s.leftStickX,
          flipY(s.leftStickY),
          s.leftTrigger,
          s.rightStickX,
          flipY(s.rightStickY),
          s.rightTrigger,
          hat(s.buttons, kLeft, kRight),
          hat(s.buttons, kUp, kDown)};
}

void addAxis(std::vector<EvdevEvent>& out, uint16_t code, int32_t before, int32_t after) {
  if (before != after) out.push_back({EV_ABS, code, after});
}

}  // namespace

std::vector<EvdevEvent> gamepadEvents(const GamepadState& before, const GamepadState& after) {
  std::vector<EvdevEvent> out;
  for (const ButtonKey& b : kButtons) {
    const bool was = (before.buttons & b.flag) != 0;
    const bool is = (after.buttons & b.flag) != 0;
    if (was != is) out.push_back({EV_KEY, b.key, is ? 1 : 0});
  }
  const Axes a = axesOf(before);
  const Axes z = axesOf(after);
  addAxis(out, ABS_X, a.x, z.x);
  addAxis(out, ABS_Y, a.y, z.y);
  addAxis(out, ABS_Z, a.z, z.z);
  addAxis(out, ABS_RX, a.rx, z.rx);
  addAxis(out, ABS_RY, a.ry, z.ry);
  addAxis(out, ABS_RZ, a.rz, z.rz);
  addAxis(out, ABS_HAT0X, a.hatX, z.hatX);
  addAxis(out, ABS_HAT0Y, a.hatY, z.hatY);
  if (!out.empty()) out.push_back({EV_SYN, SYN_REPORT, 0});
  return out;
}

std::vector<uint16_t> gamepadKeyCodes() {
  std::vector<uint16_t> keys;
  for (const ButtonKey& b : kButtons) keys.push_back(b.key);
  return keys;
}

std::vector<AxisRange> gamepadAxes() {
  // xpad's ranges: sticks with fuzz 16 and a dead zone (flat) of 128,
  // triggers 0..255, the hat -1..1.
  return {
      {ABS_X, -32768, 32767, 16, 128},
      {ABS_Y, -32768, 32767, 16, 128},
      {ABS_RX, -32768, 32767, 16, 128},
      {ABS_RY, -32768, 32767, 16, 128},
      {ABS_Z, 0, 255, 0, 0},
      {ABS_RZ, 0, 255, 0, 0},
      {ABS_HAT0X, -1, 1, 0, 0},
      {ABS_HAT0Y, -1, 1, 0, 0},
  };
}

}  // namespace input
