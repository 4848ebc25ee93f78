#include "input/uinput_desktop.h"

#include <fcntl.h>
#include <linux/uinput.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "input/input_error.h"
#include "input/uinput_device.h"

namespace input {
namespace {

constexpr uint16_t kVirtualVendor = 0x1209;  // pid.codes' open-source vendor id
constexpr uint16_t kMouseProduct = 0x0001;
constexpr uint16_t kKeyboardProduct = 0x0002;

[[noreturn]] void unavailable(const std::string& why) {
  throw MediaError(code::kUinputUnavailable,
                   "mouse and keyboard input cannot be injected through uinput: " + why);
}

void check(int result, const std::string& path, const char* what) {
  if (result < 0) {
    unavailable(path + " refused " + what + " (" + std::strerror(errno) +
                "): not a uinput device?");
  }
}

void declareMouse(int fd, const std::string& path) {
  check(ioctl(fd, UI_SET_EVBIT, EV_KEY), path, "UI_SET_EVBIT");
  check(ioctl(fd, UI_SET_EVBIT, EV_REL), path, "UI_SET_EVBIT");
  for (uint16_t button : uinputMouseButtons())
    check(ioctl(fd, UI_SET_KEYBIT, button), path, "UI_SET_KEYBIT");
  for (uint16_t axis : {REL_X, REL_Y, REL_WHEEL, REL_HWHEEL, REL_WHEEL_HI_RES, REL_HWHEEL_HI_RES}) {
    check(ioctl(fd, UI_SET_RELBIT, axis), path, "UI_SET_RELBIT");
  }
}

void declareKeyboard(int fd, const std::string& path) {
  check(ioctl(fd, UI_SET_EVBIT, EV_KEY), path, "UI_SET_EVBIT");
  for (uint16_t key : uinputKeyboardKeys())
    check(ioctl(fd, UI_SET_KEYBIT, key), path, "UI_SET_KEYBIT");
}

int createDevice(const std::string& path, uint16_t product, const char* name,
                 void (*declare)(int, const std::string&)) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) unavailable(uinputOpenProblem(path, errno));
  try {
    declare(fd, path);
    uinput_setup setup{};
    setup.id = {BUS_VIRTUAL, kVirtualVendor, product, 1};
    std::snprintf(setup.name, sizeof setup.name, "%s", name);
    check(ioctl(fd, UI_DEV_SETUP, &setup), path, "UI_DEV_SETUP");
    check(ioctl(fd, UI_DEV_CREATE), path, "UI_DEV_CREATE");
  } catch (...) {
    ::close(fd);
    throw;
  }
  return fd;
}

void destroyDevice(int fd) {
  if (fd < 0) return;
  ioctl(fd, UI_DEV_DESTROY);
  ::close(fd);
}

}  // namespace

UinputDesktop::UinputDesktop(const std::string& devicePath) : path_(devicePath) {
  mouseFd_ = createDevice(devicePath, kMouseProduct, "punktfunk virtual mouse", declareMouse);
  try {
    keyboardFd_ =
        createDevice(devicePath, kKeyboardProduct, "punktfunk virtual keyboard", declareKeyboard);
  } catch (...) {
    destroyDevice(mouseFd_);
    throw;
  }
}

UinputDesktop::~UinputDesktop() {
  try {
    releaseAll();
  } catch (...) {
    // The device went away: nothing is held any more.
  }
  destroyDevice(keyboardFd_);
  destroyDevice(mouseFd_);
}

void UinputDesktop::moveBy(int dx, int dy) { write(events_.moveBy(dx, dy)); }

void UinputDesktop::button(int evdevButton, bool down) { write(events_.button(evdevButton, down)); }

int UinputDesktop::scroll(int verticalAmount, int horizontalAmount) {
  const DesktopEvents events = events_.scroll(verticalAmount, horizontalAmount);
  write(events);
  int notches = 0;
  for (const EvdevEvent& e : events.mouse) {
    if (e.type == EV_REL && (e.code == REL_WHEEL || e.code == REL_HWHEEL))
      notches += std::abs(e.value);
  }
  return notches;
}

bool UinputDesktop::key(int virtualKey, bool down) {
  const std::optional<DesktopEvents> events = events_.key(virtualKey, down);
  if (!events) return false;
  write(*events);
  return true;
}

TextResult UinputDesktop::text(const std::string& utf8) {
  TextResult result{0, 0};
  write(events_.text(utf8, result));
  return result;
}

void UinputDesktop::releaseAll() { write(events_.releaseAll()); }

void UinputDesktop::write(const DesktopEvents& events) {
  writeTo(mouseFd_, events.mouse);
  writeTo(keyboardFd_, events.keyboard);
}

void UinputDesktop::writeTo(int fd, const std::vector<EvdevEvent>& events) {
  for (const EvdevEvent& e : events) {
    input_event ev{};
    ev.type = e.type;
    ev.code = e.code;
    ev.value = e.value;
    if (::write(fd, &ev, sizeof ev) != static_cast<ssize_t>(sizeof ev)) {
      unavailable("writing to " + path_ + " failed (" + std::strerror(errno) + ")");
    }
  }
}

}  // namespace input
