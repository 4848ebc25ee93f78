#include "input/wlr_injector.h"

#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "input/input_error.h"
#include "input/utf8.h"
#include "input/vk_keysyms.h"
#include "media/wayland_socket.h"
#include "virtual-keyboard-unstable-v1-client-protocol.h"
#include "wlr-virtual-pointer-unstable-v1-client-protocol.h"
#include "xdg-output-unstable-v1-client-protocol.h"

namespace input {
namespace {

// Linux evdev button codes (linux/input-event-codes.h): BTN_LEFT … BTN_TASK.
constexpr int kFirstButton = 0x110, kLastButton = 0x117;
// What libinput reports per wheel notch (degrees); clients scale by it.
constexpr int kAxisValuePerNotch = 15;
// A wheel packet is at most int16 / 120 = 273 notches; nothing sane needs more.
constexpr int kMaxNotchesPerCall = 300;
// Version 2 adds create_virtual_pointer_with_output (absolute motion on one output).
constexpr uint32_t kPointerManagerWithOutput = 2;
// wl_output version 4 names outputs itself; before that (sway 1.7), xdg-output (v2+) does.
constexpr uint32_t kOutputVersion = 4;
constexpr uint32_t kXdgOutputVersion = 3;

int clampInt(int v, int lo, int hi) { return std::max(lo, std::min(hi, v)); }

[[noreturn]] void compositorUnavailable(const std::string& message) {
  throw MediaError(code::kCompositorUnavailable, message);
}

[[noreturn]] void inputUnavailable(const std::string& message) {
  throw MediaError(code::kInputUnavailable, message);
}

void registryGlobal(void* data, wl_registry* registry, uint32_t name, const char* interface,
                    uint32_t version) {
  static_cast<WlrInjector*>(data)->onGlobal(registry, name, interface, version);
}
void registryGlobalRemove(void*, wl_registry*, uint32_t) {}
const wl_registry_listener kRegistryListener = {registryGlobal, registryGlobalRemove};

void outputGeometry(void*, wl_output*, int32_t, int32_t, int32_t, int32_t, int32_t, const char*,
                    const char*, int32_t) {}
void outputMode(void* data, wl_output*, uint32_t flags, int32_t width, int32_t height, int32_t) {
  if (flags & WL_OUTPUT_MODE_CURRENT) static_cast<WlrInjectorOutput*>(data)->size = {width, height};
}
void outputDone(void*, wl_output*) {}
void outputScale(void*, wl_output*, int32_t) {}
void outputName(void* data, wl_output*, const char* name) {
  static_cast<WlrInjectorOutput*>(data)->name = name;
}
void outputDescription(void*, wl_output*, const char*) {}
const wl_output_listener kOutputListener = {outputGeometry, outputMode, outputDone,
                                            outputScale,    outputName, outputDescription};

void xdgPosition(void*, zxdg_output_v1*, int32_t, int32_t) {}
void xdgSize(void*, zxdg_output_v1*, int32_t, int32_t) {}
void xdgDone(void*, zxdg_output_v1*) {}
void xdgName(void* data, zxdg_output_v1*, const char* name) {
  auto& output = *static_cast<WlrInjectorOutput*>(data);
  if (output.name.empty()) output.name = name;
}
void xdgDescription(void*, zxdg_output_v1*, const char*) {}
const zxdg_output_v1_listener kXdgOutputListener = {xdgPosition, xdgSize, xdgDone, xdgName,
                                                    xdgDescription};

void syncDone(void* data, wl_callback*, uint32_t) { *static_cast<bool*>(data) = true; }
const wl_callback_listener kSyncListener = {syncDone};

}  // namespace

WlrInjector::WlrInjector(const WlrInjectorOptions& options) : timeoutMs_(options.timeoutMs) {
  connectSocket(options);
  try {
    bindGlobals();
    chooseOutput(options.output);
    createDevices();
  } catch (...) {
    wl_display_disconnect(display_);
    display_ = nullptr;
    throw;
  }
}

WlrInjector::~WlrInjector() {
  if (!display_) return;
  if (wl_display_get_error(display_) == 0) {
    try {
      releaseAll();
      // The compositor drops a client on hang-up without reading what is
      // still queued: wait until the releases have been handled.
      roundtrip("the final release");
    } catch (...) {
      // The connection broke meanwhile; the compositor releases our keys itself.
    }
  }
  if (keyboard_) zwp_virtual_keyboard_v1_destroy(keyboard_);
  if (pointer_) zwlr_virtual_pointer_v1_destroy(pointer_);
  if (keyboardManager_) zwp_virtual_keyboard_manager_v1_destroy(keyboardManager_);
  if (pointerManager_) zwlr_virtual_pointer_manager_v1_destroy(pointerManager_);
  for (auto& output : outputs_) {
    if (output->xdgOutput) zxdg_output_v1_destroy(output->xdgOutput);
    if (output->output) wl_output_destroy(output->output);
  }
  if (xdgOutputManager_) zxdg_output_manager_v1_destroy(xdgOutputManager_);
  if (seat_) wl_seat_destroy(seat_);
  if (registry_) wl_registry_destroy(registry_);
  wl_display_flush(display_);
  wl_display_disconnect(display_);
}

void WlrInjector::connectSocket(const WlrInjectorOptions& options) {
  display_ = media::connectWaylandSocket(options.display, options.runtimeDir,
                                         code::kCompositorUnavailable, where_);
}

void WlrInjector::bindGlobals() {
  registry_ = wl_display_get_registry(display_);
  wl_registry_add_listener(registry_, &kRegistryListener, this);
  roundtrip("the global list");
  for (auto& output : outputs_) {
    if (!xdgOutputManager_) break;
    output->xdgOutput = zxdg_output_manager_v1_get_xdg_output(xdgOutputManager_, output->output);
    zxdg_output_v1_add_listener(output->xdgOutput, &kXdgOutputListener, output.get());
  }
  // Second round: the outputs' modes and names arrive after they are bound.
  roundtrip("the outputs' modes and names");
  if (!pointerManager_) {
    inputUnavailable("the compositor at " + where_ +
                     " offers no zwlr_virtual_pointer_manager_v1 (not wlroots?)");
  }
  if (!keyboardManager_) {
    inputUnavailable("the compositor at " + where_ + " offers no zwp_virtual_keyboard_manager_v1");
  }
  if (!seat_) inputUnavailable("the compositor at " + where_ + " has no seat");
}

// The named output, or the first; it must have a current mode (the extent of absolute motion).
void WlrInjector::chooseOutput(const std::string& name) {
  std::string names;
  for (auto& output : outputs_) {
    if (name.empty() || output->name == name) {
      output_ = output.get();
      break;
    }
    names += (names.empty() ? "" : ", ") + output->name;
  }
  if (!output_ && !name.empty()) {
    inputUnavailable("the compositor at " + where_ + " has no output named " + name +
                     " (outputs: " + names + ")");
  }
  if (!output_ || output_->size.width <= 0 || output_->size.height <= 0) {
    inputUnavailable("the compositor at " + where_ + " has no output with a current mode");
  }
}

void WlrInjector::onGlobal(wl_registry* registry, uint32_t name, const char* interface,
                           uint32_t version) {
  const auto is = [&](const wl_interface& i) { return std::strcmp(interface, i.name) == 0; };
  if (is(zwlr_virtual_pointer_manager_v1_interface) && !pointerManager_) {
    pointerManagerVersion_ = std::min(version, kPointerManagerWithOutput);
    pointerManager_ = static_cast<zwlr_virtual_pointer_manager_v1*>(wl_registry_bind(
        registry, name, &zwlr_virtual_pointer_manager_v1_interface, pointerManagerVersion_));
  } else if (is(zwp_virtual_keyboard_manager_v1_interface) && !keyboardManager_) {
    keyboardManager_ = static_cast<zwp_virtual_keyboard_manager_v1*>(
        wl_registry_bind(registry, name, &zwp_virtual_keyboard_manager_v1_interface, 1));
  } else if (is(wl_seat_interface) && !seat_) {
    seat_ = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, 1));
  } else if (is(zxdg_output_manager_v1_interface) && !xdgOutputManager_) {
    xdgOutputManager_ = static_cast<zxdg_output_manager_v1*>(wl_registry_bind(
        registry, name, &zxdg_output_manager_v1_interface, std::min(version, kXdgOutputVersion)));
  } else if (is(wl_output_interface)) {
    // Every output: the one absolute motion maps onto is chosen by name once all are known.
    auto output = std::make_unique<WlrInjectorOutput>();
    output->output = static_cast<wl_output*>(
        wl_registry_bind(registry, name, &wl_output_interface, std::min(version, kOutputVersion)));
    wl_output_add_listener(output->output, &kOutputListener, output.get());
    outputs_.push_back(std::move(output));
  }
}

void WlrInjector::createDevices() {
  pointer_ = pointerManagerVersion_ >= kPointerManagerWithOutput
                 ? zwlr_virtual_pointer_manager_v1_create_virtual_pointer_with_output(
                       pointerManager_, seat_, output_->output)
                 : zwlr_virtual_pointer_manager_v1_create_virtual_pointer(pointerManager_, seat_);
  keyboard_ = zwp_virtual_keyboard_manager_v1_create_virtual_keyboard(keyboardManager_, seat_);
  const int fd = keymap_.memfd();
  if (fd < 0) inputUnavailable(std::string("cannot hand over the keymap: ") + std::strerror(errno));
  zwp_virtual_keyboard_v1_keymap(keyboard_, WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1, fd,
                                 static_cast<uint32_t>(keymap_.text().size()));
  close(fd);  // libwayland sent a duplicate
  try {
    roundtrip("the virtual devices");
  } catch (const MediaError&) {
    // A compositor that refuses (unauthorized) ends the connection with a protocol error.
    if (wl_display_get_error(display_) == EPROTO) {
      inputUnavailable("the compositor at " + where_ + " refused the virtual pointer or keyboard");
    }
    throw;
  }
}

uint32_t WlrInjector::nowMs() const {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint32_t>(static_cast<uint64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000);
}

void WlrInjector::lost(const std::string& what) {
  const int error = wl_display_get_error(display_);
  std::string reason = error ? std::strerror(error) : "no answer";
  if (error == EPROTO) {
    const wl_interface* interface = nullptr;
    uint32_t id = 0;
    const uint32_t code = wl_display_get_protocol_error(display_, &interface, &id);
    reason = "protocol error " + std::to_string(code) + " on " +
             (interface ? interface->name : std::string("an object"));
  }
  compositorUnavailable("lost the Wayland compositor at " + where_ + " (" + what + "): " + reason);
}

// Sends what is queued, waiting (bounded) while the socket is full.
void WlrInjector::flush() {
  while (wl_display_flush(display_) < 0) {
    if (errno != EAGAIN) lost("sending");
    pollfd pfd = {wl_display_get_fd(display_), POLLOUT, 0};
    if (poll(&pfd, 1, timeoutMs_) <= 0) {
      compositorUnavailable("the Wayland compositor at " + where_ + " stopped reading input");
    }
  }
  dispatchPending();
}

// Handles whatever events have arrived (output modes), without waiting.
void WlrInjector::dispatchPending() {
  while (wl_display_prepare_read(display_) != 0) {
    if (wl_display_dispatch_pending(display_) < 0) lost("reading");
  }
  pollfd pfd = {wl_display_get_fd(display_), POLLIN, 0};
  if (poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN)) {
    if (wl_display_read_events(display_) < 0) lost("reading");
  } else {
    wl_display_cancel_read(display_);
  }
  if (wl_display_dispatch_pending(display_) < 0) lost("reading");
}

// wl_display_roundtrip with a deadline: a hung compositor is an error, not a hang.
void WlrInjector::roundtrip(const char* what) {
  bool done = false;
  wl_callback* callback = wl_display_sync(display_);
  wl_callback_add_listener(callback, &kSyncListener, &done);
  const uint32_t startMs = nowMs();
  while (!done) {
    flush();
    if (done) break;
    const int leftMs = timeoutMs_ - static_cast<int>(nowMs() - startMs);
    pollfd pfd = {wl_display_get_fd(display_), POLLIN, 0};
    if (leftMs <= 0 || poll(&pfd, 1, leftMs) <= 0) {
      wl_callback_destroy(callback);
      compositorUnavailable("the Wayland compositor at " + where_ + " did not answer within " +
                            std::to_string(timeoutMs_) + " ms (" + what + ")");
    }
  }
  wl_callback_destroy(callback);
}

ScreenSize WlrInjector::screenSize() {
  dispatchPending();
  return output_->size;
}

void WlrInjector::pointerFrame() {
  zwlr_virtual_pointer_v1_frame(pointer_);
  flush();
}

void WlrInjector::moveTo(int x, int y) {
  dispatchPending();
  const ScreenSize size = output_->size;
  // With the extent equal to the output size, x/extent lands on pixel x.
  zwlr_virtual_pointer_v1_motion_absolute(pointer_, nowMs(), clampInt(x, 0, size.width - 1),
                                          clampInt(y, 0, size.height - 1), size.width, size.height);
  pointerFrame();
}

void WlrInjector::moveBy(int dx, int dy) {
  zwlr_virtual_pointer_v1_motion(pointer_, nowMs(), wl_fixed_from_int(dx), wl_fixed_from_int(dy));
  pointerFrame();
}

void WlrInjector::button(int evdevButton, bool down) {
  if (evdevButton < kFirstButton || evdevButton > kLastButton) {
    throw MediaError(media::code::kInvalidArgument, "evdev button must be 0x110..0x117");
  }
  zwlr_virtual_pointer_v1_button(
      pointer_, nowMs(), static_cast<uint32_t>(evdevButton),
      down ? WL_POINTER_BUTTON_STATE_PRESSED : WL_POINTER_BUTTON_STATE_RELEASED);
  if (down)
    heldButtons_.insert(evdevButton);
  else
    heldButtons_.erase(evdevButton);
  pointerFrame();
}

int WlrInjector::scroll(int verticalAmount, int horizontalAmount) {
  // Wayland's vertical axis grows downwards; Moonlight's "up" is positive.
  const int down =
      -clampInt(vertical_.add(verticalAmount), -kMaxNotchesPerCall, kMaxNotchesPerCall);
  const int right =
      clampInt(horizontal_.add(horizontalAmount), -kMaxNotchesPerCall, kMaxNotchesPerCall);
  if (down == 0 && right == 0) return 0;
  const uint32_t time = nowMs();
  zwlr_virtual_pointer_v1_axis_source(pointer_, WL_POINTER_AXIS_SOURCE_WHEEL);
  if (down != 0) {
    zwlr_virtual_pointer_v1_axis_discrete(pointer_, time, WL_POINTER_AXIS_VERTICAL_SCROLL,
                                          wl_fixed_from_int(down * kAxisValuePerNotch), down);
  }
  if (right != 0) {
    zwlr_virtual_pointer_v1_axis_discrete(pointer_, time, WL_POINTER_AXIS_HORIZONTAL_SCROLL,
                                          wl_fixed_from_int(right * kAxisValuePerNotch), right);
  }
  pointerFrame();
  return std::abs(down) + std::abs(right);
}

// One key event, then the modifier state it leads to when that changed
// (wlroots derives it from the keys too; saying it keeps clients in step).
void WlrInjector::pressKey(uint32_t evdevKey, bool down) {
  zwp_virtual_keyboard_v1_key(
      keyboard_, nowMs(), evdevKey,
      down ? WL_KEYBOARD_KEY_STATE_PRESSED : WL_KEYBOARD_KEY_STATE_RELEASED);
  if (down)
    heldKeys_.insert(evdevKey);
  else
    heldKeys_.erase(evdevKey);
  const ModifierState mods = keymap_.update(evdevKey, down);
  if (mods != sentModifiers_) {
    zwp_virtual_keyboard_v1_modifiers(keyboard_, mods.depressed, mods.latched, mods.locked,
                                      mods.group);
    sentModifiers_ = mods;
  }
}

bool WlrInjector::key(int virtualKey, bool down) {
  if (!down) {
    const auto held = heldVirtualKeys_.find(virtualKey);
    if (held == heldVirtualKeys_.end()) return true;  // never pressed here: nothing to release
    pressKey(held->second, false);
    heldVirtualKeys_.erase(held);
    flush();
    return true;
  }
  const uint32_t sym = keysymForVirtualKey(virtualKey);
  const std::optional<KeyPlace> place = sym ? keymap_.find(sym) : std::nullopt;
  if (!place) return false;
  pressKey(place->evdevKey, true);
  heldVirtualKeys_[virtualKey] = place->evdevKey;
  flush();
  return true;
}

bool WlrInjector::keysym(uint32_t sym, bool down) {
  const std::optional<KeyPlace> place = keymap_.find(sym);
  if (!place) return false;
  if (!down && heldKeys_.count(place->evdevKey) == 0) return true;
  pressKey(place->evdevKey, down);
  flush();
  return true;
}

bool WlrInjector::typeKeysym(uint32_t sym) {
  const std::optional<KeyPlace> place = keymap_.find(sym);
  if (!place) return false;
  std::optional<uint32_t> modifierKey;
  // The level's modifiers only when the user is not holding them already.
  if (place->levelMods != 0 && (sentModifiers_.depressed & place->levelMods) != place->levelMods) {
    modifierKey = keymap_.modifierKeyFor(place->levelMods);
    if (!modifierKey) return false;
  }
  if (modifierKey) pressKey(*modifierKey, true);
  pressKey(place->evdevKey, true);
  pressKey(place->evdevKey, false);
  if (modifierKey) pressKey(*modifierKey, false);
  return true;
}

TextResult WlrInjector::text(const std::string& utf8) {
  TextResult result{0, 0};
  for (size_t i = 0; i < utf8.size();) {
    const uint32_t codePoint = nextCodePoint(utf8, i);
    // Controls (Return, Tab, BackSpace) by their keys, the rest as xkb names them.
    const uint32_t sym = codePoint < 0x20                 ? keysymForCodePoint(codePoint)
                         : codePoint == kInvalidCodePoint ? 0
                                                          : xkb_utf32_to_keysym(codePoint);
    if (sym != 0 && typeKeysym(sym))
      ++result.typed;
    else
      ++result.skipped;
  }
  flush();
  return result;
}

void WlrInjector::releaseAll() {
  const std::set<uint32_t> keys = heldKeys_;
  for (const uint32_t key : keys) pressKey(key, false);
  for (const int button : heldButtons_) {
    zwlr_virtual_pointer_v1_button(pointer_, nowMs(), static_cast<uint32_t>(button),
                                   WL_POINTER_BUTTON_STATE_RELEASED);
  }
  if (!heldButtons_.empty()) zwlr_virtual_pointer_v1_frame(pointer_);
  heldButtons_.clear();
  heldVirtualKeys_.clear();
  keymap_.reset();
  vertical_.reset();
  horizontal_.reset();
  flush();
}

}  // namespace input
