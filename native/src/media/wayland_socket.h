#pragma once
// Connecting to a Wayland compositor's socket given explicitly (a name in a
// runtime dir, or a path) rather than through $WAYLAND_DISPLAY: the host
// serves sessions of other users and picks the desktop per session. Used by
// the wlroots screencopy source and the wlroots input injector.
#include <string>

struct wl_display;

namespace media {

// Connects to `display` ("wayland-1" in runtimeDir, or an absolute path).
// Sets `where` to the socket path (for messages). Throws MediaError with
// `errorCode` when there is no runtime dir, no socket or no answer.
wl_display* connectWaylandSocket(const std::string& display, const std::string& runtimeDir,
                                 const char* errorCode, std::string& where);

}  // namespace media
