#pragma once
// One virtual Xbox 360 pad through /dev/uinput. It exists from construction
// to destruction; update() writes what changed since the last state.
#include <string>

#include "input/gamepad_mapping.h"

namespace input {

class UinputGamepad {
 public:
  // Throws UINPUT_UNAVAILABLE ("gamepad input cannot be injected: …") when
  // the device node is missing, not writable, or refuses the device.
  explicit UinputGamepad(const std::string& devicePath);
  ~UinputGamepad();
  UinputGamepad(const UinputGamepad&) = delete;
  UinputGamepad& operator=(const UinputGamepad&) = delete;

  // Returns the number of events written (SYN_REPORT included).
  int update(const GamepadState& state);
  const GamepadState& state() const { return state_; }

 private:
  void setUp();

  std::string path_;
  int fd_ = -1;
  GamepadState state_;
};

}  // namespace input
