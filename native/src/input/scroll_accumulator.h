#pragma once
// Turns high-resolution wheel amounts into whole notches. Moonlight sends
// WHEEL_DELTA (120) per notch, or less from touchpads with smooth scrolling;
// X only knows whole clicks of buttons 4-7, so the remainder waits for more.

namespace input {

class ScrollAccumulator {
 public:
  // Win32's WHEEL_DELTA: one notch of a classic wheel.
  static constexpr int kWheelDelta = 120;

  // Adds `amount`; returns the whole notches now due (signed, like amount).
  int add(int amount) {
    // A change of direction drops what was pending the other way, as the
    // client's own batching does: a half notch up then down is no notch.
    if ((pending_ < 0 && amount > 0) || (pending_ > 0 && amount < 0)) pending_ = 0;
    pending_ += amount;
    const int notches = pending_ / kWheelDelta;
    pending_ -= notches * kWheelDelta;
    return notches;
  }

  void reset() { pending_ = 0; }
  int pending() const { return pending_; }

 private:
  int pending_ = 0;
};

}  // namespace input
