#pragma once
// Windows virtual-key codes (what Moonlight sends, for a US layout) to X
// keysyms. The keysym is then looked up in the X server's own keyboard
// mapping, so the key lands wherever the host's layout has that symbol.
#include <cstdint>

namespace input {

// The keysym for a virtual-key code; 0 (NoSymbol) for codes without one.
uint32_t keysymForVirtualKey(int virtualKey);

// Keysym of a Unicode code point for typing text: Latin-1 directly, else
// the Unicode keysym range (0x01000000 | code point); a few control
// characters become their keys (Return, Tab, BackSpace). 0 when none.
uint32_t keysymForCodePoint(uint32_t codePoint);

}  // namespace input
