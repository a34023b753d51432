#pragma once
// Where every metric of a process is registered, and its text exposition (format 0.0.4) for
// GET /metrics. Series are registered at startup with their labels fixed, so the number of
// series is bounded by what the code registers, never by what clients send; the only series
// made at run time are a code_counters' places, themselves bounded. The registry owns what it
// hands out: the references stay valid for its lifetime.
//
// A family (one metric name) has one type and one help text; registering the same name again
// adds a series to it (same type and help required). Registering the same labels twice, an
// invalid name, or a name of another type is a startup bug: std::logic_error.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/code_counters.hpp"
#include "metrics/counter.hpp"
#include "metrics/gauge.hpp"
#include "metrics/histogram.hpp"
#include "metrics/text_format.hpp"

namespace seatd::metrics {

enum class metric_type { counter, gauge, histogram };

class registry {
 public:
  registry();
  ~registry();
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  counter& add_counter(std::string_view name, std::string_view help, const label_set& labels = {});
  gauge& add_gauge(std::string_view name, std::string_view help, const label_set& labels = {});
  histogram& add_histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                           const label_set& labels = {});
  // Counters by a code learnt at run time (an HTTP status): `labels` plus code_label="<code>".
  code_counters& add_code_counters(std::string_view name, std::string_view help,
                                   const label_set& labels, std::string_view code_label);
  // Values read when scraped: for what is cheaper to read then than to keep up to date on a
  // hot path (queue depths, open connections, process figures). `read` runs on the scraping
  // thread (never an I/O thread: /metrics is answered on its own lane), must be thread-safe,
  // and must not wait for the database or the network.
  void add_gauge_callback(std::string_view name, std::string_view help, const label_set& labels,
                          std::function<double()> read);
  void add_counter_callback(std::string_view name, std::string_view help, const label_set& labels,
                            std::function<double()> read);

  // Every family in registration order, with HELP and TYPE; families without a sample yet
  // (code counters nobody used) are left out.
  std::string expose() const;

 private:
  struct series;
  struct family;
  family& family_for(std::string_view name, std::string_view help, metric_type type);
  series& add_series(std::string_view name, std::string_view help, metric_type type,
                     const label_set& labels);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<family>> families_;
};

}  // namespace seatd::metrics
