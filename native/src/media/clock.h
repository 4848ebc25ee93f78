#pragma once
// One monotonic clock for every stage duration and timestamp the engine reports.
#include <chrono>
#include <cstdint>

namespace media {

inline int64_t monotonicUs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

// Measures one stage call: construct at the start, read elapsedUs() at the end.
class StageTimer {
 public:
  StageTimer() : startUs_(monotonicUs()) {}
  int64_t startUs() const { return startUs_; }
  int64_t elapsedUs() const { return monotonicUs() - startUs_; }

 private:
  int64_t startUs_;
};

}  // namespace media
