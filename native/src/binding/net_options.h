#pragma once
// The salt option the punktfunk/1 wrappers share: 4 bytes, checked here
// because the engine takes it as a fixed-size array.
#include "binding/required_fields.h"
#include "net/pf1_packet.h"

namespace binding {

net::pf1::Salt requireSalt(const RequiredFields& fields);

}  // namespace binding
