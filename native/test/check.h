#pragma once
// The tiny test harness the plain C++ test executables share: one "ok"/"FAIL"
// line per check, and a closing "N passed, N failed" line that
// scripts/run-tests.mjs reads.
#include <cstdio>
#include <cstdlib>
#include <string>

namespace testkit {

struct Tally {
  int checks = 0;
  int failures = 0;
};

// One executable, one tally (each test binary is its own process).
inline Tally& tally() {
  static Tally t;
  return t;
}

inline void check(bool ok, const std::string& what) {
  ++tally().checks;
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++tally().failures;
}

// Prints the closing line; returns main's exit status.
inline int finish() {
  const Tally& t = tally();
  std::printf("%d passed, %d failed\n", t.checks - t.failures, t.failures);
  return t.failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

}  // namespace testkit
