#pragma once
// Error codes of the input injectors. They reuse media::MediaError so the
// binding turns them into NativeError with the same `code` mechanism.
#include "media/media_error.h"

namespace input {

namespace code {
// The X display cannot be opened, has no XTEST extension, or its connection broke.
inline constexpr const char* kDisplayUnavailable = "DISPLAY_UNAVAILABLE";
// /dev/uinput is missing, not writable, or refuses to create the device.
inline constexpr const char* kUinputUnavailable = "UINPUT_UNAVAILABLE";
// The Wayland compositor's socket cannot be reached, or the connection broke.
inline constexpr const char* kCompositorUnavailable = "COMPOSITOR_UNAVAILABLE";
// The compositor lacks what the injector needs (a protocol, an output, a keymap).
inline constexpr const char* kInputUnavailable = "INPUT_UNAVAILABLE";
}  // namespace code

using media::MediaError;

}  // namespace input
