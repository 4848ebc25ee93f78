#pragma once
// A Moonlight controller state as an Xbox 360 pad's evdev events, the way
// the kernel's xpad driver reports a real one: so SDL, Steam and games
// treat the virtual pad like the controller they know best.
#include <cstdint>
#include <vector>

namespace input {

// Moonlight's multi-controller state (Limelight.h button flags).
struct GamepadState {
  uint32_t buttons = 0;
  uint8_t leftTrigger = 0;
  uint8_t rightTrigger = 0;
  // Up and right positive, as XInput.
  int16_t leftStickX = 0;
  int16_t leftStickY = 0;
  int16_t rightStickX = 0;
  int16_t rightStickY = 0;
};

struct EvdevEvent {
  uint16_t type;
  uint16_t code;
  int32_t value;
};

struct AxisRange {
  uint16_t code;
  int32_t minimum;
  int32_t maximum;
  int32_t fuzz;
  int32_t flat;
};

// The events that take a pad from `before` to `after`, closed by one
// SYN_REPORT; empty when nothing changed.
std::vector<EvdevEvent> gamepadEvents(const GamepadState& before, const GamepadState& after);

// What the virtual pad declares: its keys and its axes with their ranges.
std::vector<uint16_t> gamepadKeyCodes();
std::vector<AxisRange> gamepadAxes();

}  // namespace input
