#pragma once
// The `pipewire` part of the capture options (source 'pipewire'), already
// validated by the TS facade (options.ts); checked again here.
#include <napi.h>

#include "media/pipewire_source.h"

namespace binding {

media::PipeWireSourceOptions parsePipeWireOptions(const Napi::Value& value);

}  // namespace binding
