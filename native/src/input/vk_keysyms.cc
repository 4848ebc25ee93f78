#include "input/vk_keysyms.h"

#include <array>
#include <cstddef>

namespace input {
namespace {

// Keysym values (X11/keysymdef.h, XF86keysym.h), spelled out so the engine
// needs no Xlib headers.
namespace xk {
constexpr uint32_t BackSpace = 0xff08, Tab = 0xff09, Clear = 0xff0b, Return = 0xff0d;
constexpr uint32_t Pause = 0xff13, Scroll_Lock = 0xff14, Escape = 0xff1b;
constexpr uint32_t Henkan = 0xff23, Muhenkan = 0xff22, Hangul = 0xff31, Hangul_Hanja = 0xff34;
constexpr uint32_t Hangul_Jeonja = 0xff38;
constexpr uint32_t Home = 0xff50, Left = 0xff51, Up = 0xff52, Right = 0xff53, Down = 0xff54;
constexpr uint32_t Prior = 0xff55, Next = 0xff56, End = 0xff57;
constexpr uint32_t Select = 0xff60, Print = 0xff61, Execute = 0xff62, Insert = 0xff63;
constexpr uint32_t Menu = 0xff67, Help = 0xff6a, Num_Lock = 0xff7f;
constexpr uint32_t KP_Multiply = 0xffaa, KP_Add = 0xffab, KP_Separator = 0xffac;
constexpr uint32_t KP_Subtract = 0xffad, KP_Decimal = 0xffae, KP_Divide = 0xffaf, KP_0 = 0xffb0;
constexpr uint32_t F1 = 0xffbe;
constexpr uint32_t Shift_L = 0xffe1, Shift_R = 0xffe2, Control_L = 0xffe3, Control_R = 0xffe4;
constexpr uint32_t Caps_Lock = 0xffe5, Alt_L = 0xffe9, Alt_R = 0xffea;
constexpr uint32_t Super_L = 0xffeb, Super_R = 0xffec, Delete = 0xffff;
constexpr uint32_t XF86Sleep = 0x1008ff2f, XF86Back = 0x1008ff26, XF86Forward = 0x1008ff27;
constexpr uint32_t XF86Refresh = 0x1008ff29, XF86Stop = 0x1008ff28, XF86Search = 0x1008ff1b;
constexpr uint32_t XF86Favorites = 0x1008ff30, XF86HomePage = 0x1008ff18;
constexpr uint32_t XF86AudioMute = 0x1008ff12, XF86AudioLowerVolume = 0x1008ff11;
constexpr uint32_t XF86AudioRaiseVolume = 0x1008ff13, XF86AudioNext = 0x1008ff17;
constexpr uint32_t XF86AudioPrev = 0x1008ff16, XF86AudioStop = 0x1008ff15;
constexpr uint32_t XF86AudioPlay = 0x1008ff14, XF86Mail = 0x1008ff19;
constexpr uint32_t XF86AudioMedia = 0x1008ff32, XF86Calculator = 0x1008ff1d;
constexpr uint32_t UnicodeBase = 0x01000000;
}  // namespace xk

using Table = std::array<uint32_t, 256>;

void addRanges(Table& t) {
  for (int i = 0; i < 10; ++i) t[0x30 + i] = '0' + i;       // VK_0..VK_9
  for (int i = 0; i < 26; ++i) t[0x41 + i] = 'a' + i;       // VK_A..VK_Z: the unshifted symbol
  for (int i = 0; i < 10; ++i) t[0x60 + i] = xk::KP_0 + i;  // VK_NUMPAD0..9
  for (int i = 0; i < 24; ++i) t[0x70 + i] = xk::F1 + i;    // VK_F1..VK_F24
}

void addEditingAndNavigation(Table& t) {
  t[0x08] = xk::BackSpace;
  t[0x09] = xk::Tab;
  t[0x0c] = xk::Clear;
  t[0x0d] = xk::Return;
  t[0x13] = xk::Pause;
  t[0x14] = xk::Caps_Lock;
  t[0x15] = xk::Hangul;  // VK_KANA / VK_HANGUL
  t[0x17] = xk::Hangul_Jeonja;
  t[0x19] = xk::Hangul_Hanja;  // VK_HANJA / VK_KANJI
  t[0x1b] = xk::Escape;
  t[0x1c] = xk::Henkan;    // VK_CONVERT
  t[0x1d] = xk::Muhenkan;  // VK_NONCONVERT
  t[0x20] = ' ';
  t[0x21] = xk::Prior;
  t[0x22] = xk::Next;
  t[0x23] = xk::End;
  t[0x24] = xk::Home;
  t[0x25] = xk::Left;
  t[0x26] = xk::Up;
  t[0x27] = xk::Right;
  t[0x28] = xk::Down;
  t[0x29] = xk::Select;
  t[0x2a] = xk::Print;
  t[0x2b] = xk::Execute;
  t[0x2c] = xk::Print;  // VK_SNAPSHOT: the PrtSc key is Print on X
  t[0x2d] = xk::Insert;
  t[0x2e] = xk::Delete;
  t[0x2f] = xk::Help;
  t[0x5d] = xk::Menu;  // VK_APPS
  t[0x5f] = xk::XF86Sleep;
  t[0x6a] = xk::KP_Multiply;
  t[0x6b] = xk::KP_Add;
  t[0x6c] = xk::KP_Separator;
  t[0x6d] = xk::KP_Subtract;
  t[0x6e] = xk::KP_Decimal;
  t[0x6f] = xk::KP_Divide;
  t[0x90] = xk::Num_Lock;
  t[0x91] = xk::Scroll_Lock;
}

// VK_SHIFT/VK_CONTROL/VK_MENU carry no side; the left key stands in.
void addModifiers(Table& t) {
  t[0x10] = xk::Shift_L;
  t[0x11] = xk::Control_L;
  t[0x12] = xk::Alt_L;
  t[0x5b] = xk::Super_L;  // VK_LWIN: the key Linux desktops call Super
  t[0x5c] = xk::Super_R;
  t[0xa0] = xk::Shift_L;
  t[0xa1] = xk::Shift_R;
  t[0xa2] = xk::Control_L;
  t[0xa3] = xk::Control_R;
  t[0xa4] = xk::Alt_L;
  t[0xa5] = xk::Alt_R;
}

void addMediaKeys(Table& t) {
  t[0xa6] = xk::XF86Back;
  t[0xa7] = xk::XF86Forward;
  t[0xa8] = xk::XF86Refresh;
  t[0xa9] = xk::XF86Stop;
  t[0xaa] = xk::XF86Search;
  t[0xab] = xk::XF86Favorites;
  t[0xac] = xk::XF86HomePage;
  t[0xad] = xk::XF86AudioMute;
  t[0xae] = xk::XF86AudioLowerVolume;
  t[0xaf] = xk::XF86AudioRaiseVolume;
  t[0xb0] = xk::XF86AudioNext;
  t[0xb1] = xk::XF86AudioPrev;
  t[0xb2] = xk::XF86AudioStop;
  t[0xb3] = xk::XF86AudioPlay;
  t[0xb4] = xk::XF86Mail;
  t[0xb5] = xk::XF86AudioMedia;
  t[0xb7] = xk::XF86Calculator;  // VK_LAUNCH_APP2
}

// The OEM keys, named by what they carry on a US keyboard.
void addPunctuation(Table& t) {
  t[0xba] = ';';
  t[0xbb] = '=';
  t[0xbc] = ',';
  t[0xbd] = '-';
  t[0xbe] = '.';
  t[0xbf] = '/';
  t[0xc0] = '`';
  t[0xdb] = '[';
  t[0xdc] = '\\';
  t[0xdd] = ']';
  t[0xde] = '\'';
  t[0xe2] = '<';  // VK_OEM_102: the extra key beside left Shift on ISO keyboards
}

Table buildTable() {
  Table t{};
  addRanges(t);
  addEditingAndNavigation(t);
  addModifiers(t);
  addMediaKeys(t);
  addPunctuation(t);
  return t;
}

const Table& table() {
  // Immutable after construction: safe to share between environments.
  static const Table t = buildTable();
  return t;
}

}  // namespace

uint32_t keysymForVirtualKey(int virtualKey) {
  if (virtualKey < 0 || virtualKey > 0xff) return 0;
  return table()[static_cast<size_t>(virtualKey)];
}

uint32_t keysymForCodePoint(uint32_t codePoint) {
  if (codePoint == '\n' || codePoint == '\r') return xk::Return;
  if (codePoint == '\t') return xk::Tab;
  if (codePoint == '\b') return xk::BackSpace;
  // Other C0/C1 controls and DEL have no key to type.
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return 0;
  // Latin-1 keysyms equal their code points.
  if (codePoint < 0x100) return codePoint;
  if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return 0;
  return xk::UnicodeBase | codePoint;
}

}  // namespace input
