#include "binding/pipewire_options.h"

namespace binding {

media::PipeWireSourceOptions parsePipeWireOptions(const RequiredFields& o) {
  media::PipeWireSourceOptions out;
  out.fd = o.int32("fd");
  out.nodeId = o.int32("nodeId");
  out.nodeName = o.string("nodeName");
  out.cursor = o.boolean("cursor");
  out.stallTimeoutMs = o.int32("stallTimeoutMs");
  out.fixedWidth = o.int32("fixedWidth");
  out.fixedHeight = o.int32("fixedHeight");
  out.maxFps = o.int32("maxFps");
  if (out.nodeId < 0 && out.nodeName.empty()) {
    throw media::MediaError(media::code::kInvalidArgument, "pipewire needs a nodeId or a nodeName");
  }
  if (out.stallTimeoutMs <= 0) {
    throw media::MediaError(media::code::kInvalidArgument, "pipewire.stallTimeoutMs must be > 0");
  }
  if (out.fixedWidth < 0 || out.fixedHeight < 0 || (out.fixedWidth > 0) != (out.fixedHeight > 0) ||
      out.maxFps < 0) {
    throw media::MediaError(
        media::code::kInvalidArgument,
        "pipewire.fixedWidth/fixedHeight must both be > 0 or both 0, maxFps >= 0");
  }
  return out;
}

}  // namespace binding
