#include "input/uinput_desktop_mapping.h"

#include <linux/input-event-codes.h>

#include <array>
#include <cstddef>

#include "input/utf8.h"

namespace input {
namespace {

using KeyTable = std::array<uint16_t, 256>;

void addLettersAndDigits(KeyTable& t) {
  // VK_A..VK_Z are alphabetical; evdev codes follow the QWERTY rows.
  static constexpr uint16_t kLetters[26] = {
      KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
      KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z};
  for (int i = 0; i < 26; ++i) t[0x41 + i] = kLetters[i];
  t[0x30] = KEY_0;
  for (int i = 1; i < 10; ++i) t[0x30 + i] = static_cast<uint16_t>(KEY_1 + i - 1);
  static constexpr uint16_t kNumpad[10] = {KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4,
                                           KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9};
  for (int i = 0; i < 10; ++i) t[0x60 + i] = kNumpad[i];
  for (int i = 0; i < 10; ++i) t[0x70 + i] = static_cast<uint16_t>(KEY_F1 + i);  // F1..F10
  t[0x7a] = KEY_F11;
  t[0x7b] = KEY_F12;
  for (int i = 0; i < 12; ++i) t[0x7c + i] = static_cast<uint16_t>(KEY_F13 + i);  // F13..F24
}

void addControlKeys(KeyTable& t) {
  const std::pair<int, uint16_t> keys[] = {
      {0x08, KEY_BACKSPACE},  {0x09, KEY_TAB},       {0x0d, KEY_ENTER},
      {0x10, KEY_LEFTSHIFT},  {0x11, KEY_LEFTCTRL},  {0x12, KEY_LEFTALT},
      {0x13, KEY_PAUSE},      {0x14, KEY_CAPSLOCK},  {0x1b, KEY_ESC},
      {0x20, KEY_SPACE},      {0x21, KEY_PAGEUP},    {0x22, KEY_PAGEDOWN},
      {0x23, KEY_END},        {0x24, KEY_HOME},      {0x25, KEY_LEFT},
      {0x26, KEY_UP},         {0x27, KEY_RIGHT},     {0x28, KEY_DOWN},
      {0x2c, KEY_SYSRQ},      {0x2d, KEY_INSERT},    {0x2e, KEY_DELETE},
      {0x2f, KEY_HELP},       {0x5b, KEY_LEFTMETA},  {0x5c, KEY_RIGHTMETA},
      {0x5d, KEY_COMPOSE},    {0x5f, KEY_SLEEP},     {0x6a, KEY_KPASTERISK},
      {0x6b, KEY_KPPLUS},     {0x6c, KEY_KPCOMMA},   {0x6d, KEY_KPMINUS},
      {0x6e, KEY_KPDOT},      {0x6f, KEY_KPSLASH},   {0x90, KEY_NUMLOCK},
      {0x91, KEY_SCROLLLOCK}, {0xa0, KEY_LEFTSHIFT}, {0xa1, KEY_RIGHTSHIFT},
      {0xa2, KEY_LEFTCTRL},   {0xa3, KEY_RIGHTCTRL}, {0xa4, KEY_LEFTALT},
      {0xa5, KEY_RIGHTALT},   {0xad, KEY_MUTE},      {0xae, KEY_VOLUMEDOWN},
      {0xaf, KEY_VOLUMEUP},   {0xb0, KEY_NEXTSONG},  {0xb1, KEY_PREVIOUSSONG},
      {0xb2, KEY_STOPCD},     {0xb3, KEY_PLAYPAUSE},
  };
  for (const auto& [vk, key] : keys) t[static_cast<size_t>(vk)] = key;
}

void addPunctuation(KeyTable& t) {
  // VK_OEM_*: the US layout's punctuation keys.
  t[0xba] = KEY_SEMICOLON;
  t[0xbb] = KEY_EQUAL;
  t[0xbc] = KEY_COMMA;
  t[0xbd] = KEY_MINUS;
  t[0xbe] = KEY_DOT;
  t[0xbf] = KEY_SLASH;
  t[0xc0] = KEY_GRAVE;
  t[0xdb] = KEY_LEFTBRACE;
  t[0xdc] = KEY_BACKSLASH;
  t[0xdd] = KEY_RIGHTBRACE;
  t[0xde] = KEY_APOSTROPHE;
  t[0xe2] = KEY_102ND;
}

const KeyTable& keyTable() {
  static const KeyTable t = [] {
    KeyTable table{};
    addLettersAndDigits(table);
    addControlKeys(table);
    addPunctuation(table);
    return table;
  }();
  return t;
}

// Printable ASCII on a US keyboard: the unshifted and shifted symbols of each key.
struct SymbolPair {
  char plain;
  char shifted;
  uint16_t key;
};
constexpr SymbolPair kUsSymbols[] = {
    {'`', '~', KEY_GRAVE},      {'1', '!', KEY_1},         {'2', '@', KEY_2},
    {'3', '#', KEY_3},          {'4', '$', KEY_4},         {'5', '%', KEY_5},
    {'6', '^', KEY_6},          {'7', '&', KEY_7},         {'8', '*', KEY_8},
    {'9', '(', KEY_9},          {'0', ')', KEY_0},         {'-', '_', KEY_MINUS},
    {'=', '+', KEY_EQUAL},      {'[', '{', KEY_LEFTBRACE}, {']', '}', KEY_RIGHTBRACE},
    {'\\', '|', KEY_BACKSLASH}, {';', ':', KEY_SEMICOLON}, {'\'', '"', KEY_APOSTROPHE},
    {',', '<', KEY_COMMA},      {'.', '>', KEY_DOT},       {'/', '?', KEY_SLASH},
};

void add(std::vector<EvdevEvent>& events, uint16_t type, uint16_t code, int32_t value) {
  events.push_back({type, code, value});
}

void sync(std::vector<EvdevEvent>& events) {
  if (!events.empty()) add(events, EV_SYN, SYN_REPORT, 0);
}

}  // namespace

uint16_t evdevKeyForVirtualKey(int virtualKey) {
  if (virtualKey < 0 || virtualKey > 0xff) return 0;
  return keyTable()[static_cast<size_t>(virtualKey)];
}

std::optional<UsKey> usKeyForCodePoint(uint32_t codePoint) {
  if (codePoint == '\n' || codePoint == '\r') return UsKey{KEY_ENTER, false};
  if (codePoint == '\t') return UsKey{KEY_TAB, false};
  if (codePoint == '\b') return UsKey{KEY_BACKSPACE, false};
  if (codePoint == ' ') return UsKey{KEY_SPACE, false};
  if (codePoint >= 'a' && codePoint <= 'z')
    return UsKey{evdevKeyForVirtualKey(int(codePoint) - 0x20), false};
  if (codePoint >= 'A' && codePoint <= 'Z')
    return UsKey{evdevKeyForVirtualKey(int(codePoint)), true};
  for (const SymbolPair& s : kUsSymbols) {
    if (codePoint == static_cast<uint32_t>(s.plain)) return UsKey{s.key, false};
    if (codePoint == static_cast<uint32_t>(s.shifted)) return UsKey{s.key, true};
  }
  return std::nullopt;
}

DesktopEvents UinputDesktopEvents::moveBy(int dx, int dy) {
  DesktopEvents out;
  if (dx != 0) add(out.mouse, EV_REL, REL_X, dx);
  if (dy != 0) add(out.mouse, EV_REL, REL_Y, dy);
  sync(out.mouse);
  return out;
}

DesktopEvents UinputDesktopEvents::button(int evdevButton, bool down) {
  DesktopEvents out;
  const auto code = static_cast<uint16_t>(evdevButton);
  if (down)
    heldButtons_.insert(code);
  else
    heldButtons_.erase(code);
  add(out.mouse, EV_KEY, code, down ? 1 : 0);
  sync(out.mouse);
  return out;
}

DesktopEvents UinputDesktopEvents::scroll(int verticalAmount, int horizontalAmount) {
  DesktopEvents out;
  // REL_WHEEL is positive away from the user (up), REL_HWHEEL to the right:
  // Moonlight's signs. The hi-res axes count 120 per notch, as Moonlight does.
  if (verticalAmount != 0) {
    add(out.mouse, EV_REL, REL_WHEEL_HI_RES, verticalAmount);
    if (const int notches = vertical_.add(verticalAmount))
      add(out.mouse, EV_REL, REL_WHEEL, notches);
  }
  if (horizontalAmount != 0) {
    add(out.mouse, EV_REL, REL_HWHEEL_HI_RES, horizontalAmount);
    if (const int notches = horizontal_.add(horizontalAmount))
      add(out.mouse, EV_REL, REL_HWHEEL, notches);
  }
  sync(out.mouse);
  return out;
}

std::optional<DesktopEvents> UinputDesktopEvents::key(int virtualKey, bool down) {
  const uint16_t key = evdevKeyForVirtualKey(virtualKey);
  if (key == 0) return std::nullopt;
  DesktopEvents out;
  if (down)
    heldKeys_.insert(key);
  else
    heldKeys_.erase(key);
  add(out.keyboard, EV_KEY, key, down ? 1 : 0);
  sync(out.keyboard);
  return out;
}

DesktopEvents UinputDesktopEvents::text(const std::string& utf8, TextResult& result) {
  DesktopEvents out;
  // A Shift the client holds would change what the typed keys mean.
  const bool shiftHeld = heldKeys_.count(KEY_LEFTSHIFT) || heldKeys_.count(KEY_RIGHTSHIFT);
  for (size_t i = 0; i < utf8.size();) {
    const std::optional<UsKey> at = usKeyForCodePoint(nextCodePoint(utf8, i));
    if (!at) {
      ++result.skipped;
      continue;
    }
    const bool shift = at->shift && !shiftHeld;
    if (shift) add(out.keyboard, EV_KEY, KEY_LEFTSHIFT, 1);
    add(out.keyboard, EV_KEY, at->key, 1);
    add(out.keyboard, EV_SYN, SYN_REPORT, 0);
    add(out.keyboard, EV_KEY, at->key, 0);
    if (shift) add(out.keyboard, EV_KEY, KEY_LEFTSHIFT, 0);
    add(out.keyboard, EV_SYN, SYN_REPORT, 0);
    ++result.typed;
  }
  return out;
}

DesktopEvents UinputDesktopEvents::releaseAll() {
  DesktopEvents out;
  for (uint16_t key : heldKeys_) add(out.keyboard, EV_KEY, key, 0);
  for (uint16_t button : heldButtons_) add(out.mouse, EV_KEY, button, 0);
  heldKeys_.clear();
  heldButtons_.clear();
  vertical_.reset();
  horizontal_.reset();
  sync(out.keyboard);
  sync(out.mouse);
  return out;
}

std::vector<uint16_t> uinputKeyboardKeys() {
  std::set<uint16_t> keys;
  for (int vk = 0; vk < 256; ++vk) {
    if (const uint16_t key = evdevKeyForVirtualKey(vk)) keys.insert(key);
  }
  return {keys.begin(), keys.end()};
}

std::vector<uint16_t> uinputMouseButtons() {
  return {BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA};
}

}  // namespace input
