#pragma once
// What the uinput devices (gamepads, mouse and keyboard) share: why
// /dev/uinput could not be opened, in words an operator can act on.
#include <cerrno>
#include <cstring>
#include <string>

namespace input {

inline std::string uinputOpenProblem(const std::string& path, int error) {
  if (error == ENOENT || error == ENODEV || error == ENXIO) return path + " is not present";
  if (error == EACCES || error == EPERM || error == EROFS) {
    return path + " is not writable (" + std::strerror(error) +
           "; a udev rule or group membership gives the host access)";
  }
  return path + " cannot be opened (" + std::strerror(error) + ")";
}

}  // namespace input
