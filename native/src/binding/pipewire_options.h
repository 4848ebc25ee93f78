#pragma once
// The `pipewire` part of the capture options (source 'pipewire'), completed
// and validated by the TS facade (options.ts); every field is required here.
#include "binding/required_fields.h"
#include "media/pipewire_source.h"

namespace binding {

media::PipeWireSourceOptions parsePipeWireOptions(const RequiredFields& options);

}  // namespace binding
