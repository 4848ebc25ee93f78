#include "binding/pipewire_options.h"

#include "binding/js_error.h"

namespace binding {

media::PipeWireSourceOptions parsePipeWireOptions(const Napi::Value& value) {
  if (!value.IsObject()) {
    throw media::MediaError(media::code::kInvalidArgument,
                            "source 'pipewire' needs a pipewire options object");
  }
  const Napi::Object o = value.As<Napi::Object>();
  media::PipeWireSourceOptions out;
  out.fd = requireInt(o, "fd", -1);
  out.nodeId = requireInt(o, "nodeId", -1);
  out.nodeName = requireString(o, "nodeName", "");
  Napi::Value cursor = o.Get("cursor");
  if (!cursor.IsUndefined() && !cursor.IsBoolean()) {
    throw media::MediaError(media::code::kInvalidArgument, "pipewire.cursor must be a boolean");
  }
  out.cursor = cursor.IsBoolean() ? cursor.As<Napi::Boolean>().Value() : true;
  out.stallTimeoutMs = requireInt(o, "stallTimeoutMs", 5000);
  if (out.nodeId < 0 && out.nodeName.empty()) {
    throw media::MediaError(media::code::kInvalidArgument, "pipewire needs a nodeId or a nodeName");
  }
  if (out.stallTimeoutMs <= 0) {
    throw media::MediaError(media::code::kInvalidArgument, "pipewire.stallTimeoutMs must be > 0");
  }
  return out;
}

}  // namespace binding
