#pragma once
// A virtual relative mouse and a virtual US keyboard through /dev/uinput:
// mouse and keyboard for any compositor (or console) that reads the
// kernel's input devices, where no desktop API is reachable. The events
// come from UinputDesktopEvents; both devices exist from construction to
// destruction, and what is held is released before they go.
#include <string>

#include "input/uinput_desktop_mapping.h"

namespace input {

class UinputDesktop {
 public:
  // Throws UINPUT_UNAVAILABLE ("mouse and keyboard input cannot be injected
  // through uinput: …") when the device node is missing, not writable, or
  // refuses a device.
  explicit UinputDesktop(const std::string& devicePath);
  ~UinputDesktop();
  UinputDesktop(const UinputDesktop&) = delete;
  UinputDesktop& operator=(const UinputDesktop&) = delete;

  void moveBy(int dx, int dy);
  void button(int evdevButton, bool down);
  // Returns the whole notches sent on the classic wheel axes.
  int scroll(int verticalAmount, int horizontalAmount);
  bool key(int virtualKey, bool down);
  TextResult text(const std::string& utf8);
  void releaseAll();

 private:
  void write(const DesktopEvents& events);
  void writeTo(int fd, const std::vector<EvdevEvent>& events);

  std::string path_;
  int mouseFd_ = -1;
  int keyboardFd_ = -1;
  UinputDesktopEvents events_;
};

}  // namespace input
