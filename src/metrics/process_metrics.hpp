#pragma once
// The process_* metrics every Prometheus client library exports (the names Grafana's
// dashboards expect): CPU seconds, resident and virtual memory, open and maximum descriptors,
// start time. Read at scrape time from getrusage, getrlimit and /proc/self (Linux), so they
// cost nothing between scrapes.
#include "metrics/registry.hpp"

namespace seatd::metrics {

// Registers them on `r`; the start time is taken now (call it at startup).
void add_process_metrics(registry& r);

}  // namespace seatd::metrics
