#include "binding/net_options.h"

#include <algorithm>

#include "media/media_error.h"

namespace binding {

net::pf1::Salt requireSalt(const RequiredFields& fields) {
  const std::vector<uint8_t> bytes = fields.bytes("salt");
  if (bytes.size() != 4) {
    throw media::MediaError(media::code::kInvalidArgument, "salt must be 4 bytes");
  }
  net::pf1::Salt salt;
  std::copy(bytes.begin(), bytes.end(), salt.begin());
  return salt;
}

}  // namespace binding
