#include "binding/wlr_options.h"

namespace binding {

media::WlrScreencopySourceOptions parseWlrOptions(const RequiredFields& o) {
  media::WlrScreencopySourceOptions out;
  out.display = o.string("display");
  out.runtimeDir = o.string("runtimeDir");
  out.output = o.string("output");
  out.cursor = o.boolean("cursor");
  out.timeoutMs = o.int32("timeoutMs");
  if (out.display.empty()) {
    throw media::MediaError(media::code::kInvalidArgument, "wlr.display must not be empty");
  }
  if (out.timeoutMs <= 0) {
    throw media::MediaError(media::code::kInvalidArgument, "wlr.timeoutMs must be > 0");
  }
  return out;
}

}  // namespace binding
