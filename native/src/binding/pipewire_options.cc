#include "binding/pipewire_options.h"

namespace binding {

media::PipeWireSourceOptions parsePipeWireOptions(const RequiredFields& o) {
  media::PipeWireSourceOptions out;
  out.fd = o.int32("fd");
  out.nodeId = o.int32("nodeId");
  out.nodeName = o.string("nodeName");
  out.cursor = o.boolean("cursor");
  out.stallTimeoutMs = o.int32("stallTimeoutMs");
  if (out.nodeId < 0 && out.nodeName.empty()) {
    throw media::MediaError(media::code::kInvalidArgument, "pipewire needs a nodeId or a nodeName");
  }
  if (out.stallTimeoutMs <= 0) {
    throw media::MediaError(media::code::kInvalidArgument, "pipewire.stallTimeoutMs must be > 0");
  }
  return out;
}

}  // namespace binding
