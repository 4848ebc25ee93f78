#pragma once
// What the mouse-and-keyboard injectors (X11, wlroots) report, shared so the
// input router can treat them alike.

namespace input {

struct ScreenSize {
  int width;
  int height;
};

struct TextResult {
  int typed;
  // Code points with no keysym (controls) or no keycode to put them on.
  int skipped;
};

}  // namespace input
