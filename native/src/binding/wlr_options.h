#pragma once
// The `wlr` part of the capture options (source 'wlr'), completed and
// validated by the TS facade (options.ts); every field is required here.
#include "binding/required_fields.h"
#include "media/wlr_screencopy_source.h"

namespace binding {

media::WlrScreencopySourceOptions parseWlrOptions(const RequiredFields& options);

}  // namespace binding
