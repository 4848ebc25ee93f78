#include "media/wayland_socket.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <wayland-client.h>

#include <cerrno>
#include <cstring>

#include "media/media_error.h"

namespace media {

wl_display* connectWaylandSocket(const std::string& display, const std::string& runtimeDir,
                                 const char* errorCode, std::string& where) {
  const bool absolute = !display.empty() && display[0] == '/';
  if (!absolute && runtimeDir.empty()) {
    throw MediaError(errorCode,
                     "Wayland display " + display + " needs a runtime dir (XDG_RUNTIME_DIR)");
  }
  where = absolute ? display : runtimeDir + "/" + display;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (where.size() >= sizeof address.sun_path) {
    throw MediaError(errorCode, "Wayland socket path is too long: " + where);
  }
  std::memcpy(address.sun_path, where.c_str(), where.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw MediaError(errorCode, std::string("cannot create a socket: ") + std::strerror(errno));
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    close(fd);
    throw MediaError(errorCode, "cannot connect to the Wayland compositor at " + where + ": " +
                                    std::strerror(error));
  }
  wl_display* connection = wl_display_connect_to_fd(fd);  // owns fd from here, also on failure
  if (!connection) throw MediaError(errorCode, "cannot set up a Wayland connection to " + where);
  return connection;
}

}  // namespace media
