#pragma once
// Mouse and keyboard input into a wlroots compositor (sway, Hyprland, …)
// through its virtual-pointer (zwlr_virtual_pointer_manager_v1) and
// virtual-keyboard (zwp_virtual_keyboard_manager_v1) protocols, on a
// Wayland connection of its own. The keyboard carries its own us keymap
// (XkbVirtualKeymap). Every call sends its requests and flushes them. What
// it holds down it remembers, so releaseAll() leaves nothing stuck.
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "input/injector_types.h"
#include "input/scroll_accumulator.h"
#include "input/xkb_virtual_keymap.h"

struct wl_display;
struct wl_registry;
struct wl_seat;
struct wl_output;
struct zwlr_virtual_pointer_manager_v1;
struct zwlr_virtual_pointer_v1;
struct zwp_virtual_keyboard_manager_v1;
struct zwp_virtual_keyboard_v1;
struct zxdg_output_manager_v1;
struct zxdg_output_v1;

namespace input {

struct WlrInjectorOptions {
  // A socket name in runtimeDir ("wayland-1") or an absolute socket path.
  std::string display;
  // XDG_RUNTIME_DIR of the session the compositor runs in.
  std::string runtimeDir;
  // How long a round trip to the compositor may take before it counts as hung.
  int timeoutMs;
  // The output absolute motion maps onto ("HEADLESS-2": a session's own
  // output); empty: the first output.
  std::string output;
};

// One wl_output of the compositor: its name (wl_output v4, else xdg-output)
// and current mode.
struct WlrInjectorOutput {
  wl_output* output = nullptr;
  zxdg_output_v1* xdgOutput = nullptr;
  std::string name;
  ScreenSize size{0, 0};
};

class WlrInjector {
 public:
  // Throws COMPOSITOR_UNAVAILABLE when the socket cannot be reached or does
  // not answer in time, INPUT_UNAVAILABLE when a protocol, the seat or an
  // output is missing.
  explicit WlrInjector(const WlrInjectorOptions& options);
  // Releases what is held, destroys the virtual devices, disconnects.
  ~WlrInjector();
  WlrInjector(const WlrInjector&) = delete;
  WlrInjector& operator=(const WlrInjector&) = delete;

  // The output's current mode in pixels (the extent of absolute motion).
  ScreenSize screenSize();
  // Pointer to (x, y) in output pixels, clamped to the output.
  void moveTo(int x, int y);
  void moveBy(int dx, int dy);
  // evdev button codes: BTN_LEFT (0x110), BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA.
  void button(int evdevButton, bool down);
  // High-resolution amounts (120 = one notch); up/right positive. Returns
  // the notches sent (as discrete axis steps).
  int scroll(int verticalAmount, int horizontalAmount);
  // A Windows virtual-key code; false when it has no keysym or no key.
  bool key(int virtualKey, bool down);
  // An X keysym on the key that carries it at its lowest level (modifiers
  // are not added: Shift is a key of its own). False when no key has it.
  bool keysym(uint32_t keysym, bool down);
  // Types UTF-8 text, one press and release per code point, with Shift (or
  // AltGr) around it where the keymap has it on that level.
  TextResult text(const std::string& utf8);
  void releaseAll();

  // For the registry listener.
  void onGlobal(wl_registry* registry, uint32_t name, const char* interface, uint32_t version);

 private:
  void connectSocket(const WlrInjectorOptions& options);
  void bindGlobals();
  void chooseOutput(const std::string& name);
  void createDevices();
  void roundtrip(const char* what);
  void pressKey(uint32_t evdevKey, bool down);
  bool typeKeysym(uint32_t keysym);
  void pointerFrame();
  void flush();
  void dispatchPending();
  uint32_t nowMs() const;
  [[noreturn]] void lost(const std::string& what);

  std::string where_;
  int timeoutMs_ = 0;
  wl_display* display_ = nullptr;
  wl_registry* registry_ = nullptr;
  wl_seat* seat_ = nullptr;
  zxdg_output_manager_v1* xdgOutputManager_ = nullptr;
  std::vector<std::unique_ptr<WlrInjectorOutput>> outputs_;
  // The output absolute motion maps onto (one of outputs_).
  WlrInjectorOutput* output_ = nullptr;
  uint32_t pointerManagerVersion_ = 0;
  zwlr_virtual_pointer_manager_v1* pointerManager_ = nullptr;
  zwp_virtual_keyboard_manager_v1* keyboardManager_ = nullptr;
  zwlr_virtual_pointer_v1* pointer_ = nullptr;
  zwp_virtual_keyboard_v1* keyboard_ = nullptr;
  XkbVirtualKeymap keymap_;
  ModifierState sentModifiers_{0, 0, 0, 0};
  std::set<uint32_t> heldKeys_;
  std::set<int> heldButtons_;
  // Which key each held virtual key went down on.
  std::unordered_map<int, uint32_t> heldVirtualKeys_;
  ScrollAccumulator vertical_;
  ScrollAccumulator horizontal_;
};

}  // namespace input
