// `promtool check metrics` (Debian's prometheus package, scripts/install-deps.sh) on an
// exposition: the format as Prometheus's own tooling reads it, and its lint rules (counters
// end in _total, base units, help on every family).
#pragma once

#include <filesystem>
#include <string>

namespace seatd::testing {

struct promtool_verdict {
  int status = -1;   // promtool's exit status (0: accepted; 127 from the shell: no promtool)
  std::string said;  // its findings, empty when it has none
};

// Writes `exposition` to `dir`/exposition.prom and runs promtool on it.
promtool_verdict promtool_check_metrics(const std::string& exposition,
                                        const std::filesystem::path& dir);

}  // namespace seatd::testing
