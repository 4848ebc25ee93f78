#pragma once
// The Opus multistream layout (channels, streams, coupledStreams, mapping) of
// the encoder's and the decoder's options objects, read the same way for
// both: the host encodes with the layout it lists in DESCRIBE, the test
// client decodes with the one it parsed from there.
#include "binding/required_fields.h"

namespace binding {

// `Options`: media::OpusEncoderOptions or media::OpusDecoderOptions.
template <typename Options>
void readOpusLayout(const RequiredFields& fields, Options& o) {
  o.channels = fields.int32("channels");
  o.streams = fields.int32("streams");
  o.coupledStreams = fields.int32("coupledStreams");
  o.mapping = fields.bytes("mapping");
}

}  // namespace binding
