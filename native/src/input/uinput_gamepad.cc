#include "input/uinput_gamepad.h"

#include <fcntl.h>
#include <linux/uinput.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "input/input_error.h"
#include "input/uinput_device.h"

namespace input {
namespace {

// SDL, Steam and games recognise an Xbox 360 pad by these USB ids (and
// xpad's name for it); anything else gets a generic, often wrong, mapping.
constexpr uint16_t kMicrosoftVendor = 0x045e;
constexpr uint16_t kXbox360Product = 0x028e;
constexpr uint16_t kXpadVersion = 0x0110;
constexpr const char* kPadName = "Microsoft X-Box 360 pad";

[[noreturn]] void unavailable(const std::string& why) {
  throw MediaError(code::kUinputUnavailable, "gamepad input cannot be injected: " + why);
}

}  // namespace

UinputGamepad::UinputGamepad(const std::string& devicePath) : path_(devicePath) {
  fd_ = ::open(devicePath.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd_ < 0) unavailable(uinputOpenProblem(devicePath, errno));
  try {
    setUp();
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
}

void UinputGamepad::setUp() {
  const auto check = [&](int result, const char* what) {
    if (result < 0) {
      unavailable(path_ + " refused " + what + " (" + std::strerror(errno) +
                  "): not a uinput device?");
    }
  };
  check(ioctl(fd_, UI_SET_EVBIT, EV_KEY), "UI_SET_EVBIT");
  check(ioctl(fd_, UI_SET_EVBIT, EV_ABS), "UI_SET_EVBIT");
  for (uint16_t key : gamepadKeyCodes()) check(ioctl(fd_, UI_SET_KEYBIT, key), "UI_SET_KEYBIT");
  for (const AxisRange& axis : gamepadAxes()) {
    check(ioctl(fd_, UI_SET_ABSBIT, axis.code), "UI_SET_ABSBIT");
    uinput_abs_setup abs{};
    abs.code = axis.code;
    abs.absinfo.minimum = axis.minimum;
    abs.absinfo.maximum = axis.maximum;
    abs.absinfo.fuzz = axis.fuzz;
    abs.absinfo.flat = axis.flat;
    check(ioctl(fd_, UI_ABS_SETUP, &abs), "UI_ABS_SETUP");
  }
  uinput_setup setup{};
  setup.id = {BUS_USB, kMicrosoftVendor, kXbox360Product, kXpadVersion};
  std::snprintf(setup.name, sizeof setup.name, "%s", kPadName);
  check(ioctl(fd_, UI_DEV_SETUP, &setup), "UI_DEV_SETUP");
  check(ioctl(fd_, UI_DEV_CREATE), "UI_DEV_CREATE");
}

UinputGamepad::~UinputGamepad() {
  if (fd_ < 0) return;
  ioctl(fd_, UI_DEV_DESTROY);
  ::close(fd_);
}

int UinputGamepad::update(const GamepadState& state) {
  const std::vector<EvdevEvent> events = gamepadEvents(state_, state);
  state_ = state;
  int written = 0;
  for (const EvdevEvent& e : events) {
    input_event ev{};
    ev.type = e.type;
    ev.code = e.code;
    ev.value = e.value;
    if (::write(fd_, &ev, sizeof ev) != static_cast<ssize_t>(sizeof ev)) {
      unavailable("writing to " + path_ + " failed (" + std::strerror(errno) + ")");
    }
    ++written;
  }
  return written;
}

}  // namespace input
