// The text exposition format 0.0.4 as seatd writes it for GET /metrics, checked as exact text:
// HELP and TYPE once per family, escaping of help text and label values, histogram buckets
// cumulative with le="+Inf" equal to _count, code counters' places and their "other", and the
// registration mistakes that must fail at startup.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "metrics/registry.hpp"

namespace seatd::metrics {
namespace {

TEST(metrics_exposition, counters_and_gauges_with_labels_in_registration_order) {
  registry r;
  auto& get = r.add_counter("seatd_things_total", "Things done.", {{"kind", "get"}});
  auto& put = r.add_counter("seatd_things_total", "Things done.", {{"kind", "put"}});
  auto& open = r.add_gauge("seatd_open", "Open now.");
  get.inc();
  get.inc(2);
  put.inc();
  open.inc(5);
  open.dec(2);
  EXPECT_EQ(r.expose(),
            "# HELP seatd_things_total Things done.\n"
            "# TYPE seatd_things_total counter\n"
            "seatd_things_total{kind=\"get\"} 3\n"
            "seatd_things_total{kind=\"put\"} 1\n"
            "# HELP seatd_open Open now.\n"
            "# TYPE seatd_open gauge\n"
            "seatd_open 3\n");
}

TEST(metrics_exposition, help_and_label_values_are_escaped) {
  registry r;
  r.add_counter("seatd_odd_total", "A \\ backslash\nand a new line \"quoted\".",
                {{"path", "C:\\dir \"x\"\nnext"}})
      .inc();
  EXPECT_EQ(r.expose(),
            "# HELP seatd_odd_total A \\\\ backslash\\nand a new line \"quoted\".\n"
            "# TYPE seatd_odd_total counter\n"
            "seatd_odd_total{path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 1\n");
}

TEST(metrics_exposition, histogram_buckets_are_cumulative_and_end_with_inf) {
  registry r;
  auto& h = r.add_histogram("seatd_wait_seconds", "Waits.", {0.125, 0.5, 2.5}, {{"lane", "a"}});
  h.observe(0.0625);
  h.observe(0.125);  // on a bound: counted in that bucket (le is "less or equal")
  h.observe(0.25);
  h.observe(7);
  EXPECT_EQ(r.expose(),
            "# HELP seatd_wait_seconds Waits.\n"
            "# TYPE seatd_wait_seconds histogram\n"
            "seatd_wait_seconds_bucket{lane=\"a\",le=\"0.125\"} 2\n"
            "seatd_wait_seconds_bucket{lane=\"a\",le=\"0.5\"} 3\n"
            "seatd_wait_seconds_bucket{lane=\"a\",le=\"2.5\"} 3\n"
            "seatd_wait_seconds_bucket{lane=\"a\",le=\"+Inf\"} 4\n"
            "seatd_wait_seconds_sum{lane=\"a\"} 7.4375\n"
            "seatd_wait_seconds_count{lane=\"a\"} 4\n");
}

TEST(metrics_exposition, callbacks_are_read_at_scrape_time) {
  registry r;
  double depth = 1;
  r.add_gauge_callback("seatd_depth", "Depth.", {{"pool", "w"}}, [&] { return depth; });
  r.add_counter_callback("seatd_cpu_seconds_total", "CPU.", {}, [] { return 0.25; });
  r.add_gauge_callback("seatd_limit", "Limit.", {},
                       [] { return std::numeric_limits<double>::infinity(); });
  depth = 42;
  EXPECT_EQ(r.expose(),
            "# HELP seatd_depth Depth.\n"
            "# TYPE seatd_depth gauge\n"
            "seatd_depth{pool=\"w\"} 42\n"
            "# HELP seatd_cpu_seconds_total CPU.\n"
            "# TYPE seatd_cpu_seconds_total counter\n"
            "seatd_cpu_seconds_total 0.25\n"
            "# HELP seatd_limit Limit.\n"
            "# TYPE seatd_limit gauge\n"
            "seatd_limit +Inf\n");
}

TEST(metrics_exposition, code_counters_show_only_codes_seen_and_fold_the_rest_into_other) {
  registry r;
  auto& codes =
      r.add_code_counters("seatd_answers_total", "Answers.", {{"route", "/a/{id}"}}, "status");
  EXPECT_EQ(r.expose(), "");  // nothing seen: the family is left out
  codes.inc(200);
  codes.inc(404);
  codes.inc(200);
  EXPECT_EQ(r.expose(),
            "# HELP seatd_answers_total Answers.\n"
            "# TYPE seatd_answers_total counter\n"
            "seatd_answers_total{route=\"/a/{id}\",status=\"200\"} 2\n"
            "seatd_answers_total{route=\"/a/{id}\",status=\"404\"} 1\n");
  // The bound: places for 16 codes; codes beyond them all land in "other".
  for (int code = 300; code < 330; ++code) codes.inc(code);
  codes.inc(-1);
  auto text = r.expose();
  EXPECT_NE(text.find("status=\"313\"} 1\n"), std::string::npos);  // the 16th code
  EXPECT_EQ(text.find("status=\"314\""), std::string::npos);
  EXPECT_NE(text.find("seatd_answers_total{route=\"/a/{id}\",status=\"other\"} 17\n"),
            std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2 + 16 + 1);
}

TEST(metrics_exposition, values_are_written_as_prometheus_reads_them) {
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(-2), "-2");
  EXPECT_EQ(format_value(0.005), "0.005");
  EXPECT_EQ(format_value(1e20), "1e+20");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(metrics_exposition, registration_mistakes_are_startup_errors) {
  registry r;
  r.add_counter("seatd_a_total", "A.", {{"x", "1"}});
  EXPECT_THROW(r.add_counter("seatd_a_total", "A.", {{"x", "1"}}), std::logic_error);  // twice
  EXPECT_THROW(r.add_gauge("seatd_a_total", "A."), std::logic_error);        // another type
  EXPECT_THROW(r.add_counter("seatd_a_total", "Other."), std::logic_error);  // another help
  EXPECT_THROW(r.add_counter("seatd-bad", "B."), std::logic_error);
  EXPECT_THROW(r.add_counter("seatd_b_total", "B.", {{"__x", "1"}}), std::logic_error);
  EXPECT_THROW(r.add_counter("seatd_b_total", "B.", {{"le", "1"}}), std::logic_error);
  EXPECT_THROW(r.add_counter("seatd_b_total", "B.", {{"x", "1"}, {"x", "2"}}), std::logic_error);
  EXPECT_THROW(r.add_histogram("seatd_h", "H.", {1, 1}), std::logic_error);
  EXPECT_THROW(r.add_code_counters("seatd_c_total", "C.", {{"status", "1"}}, "status"),
               std::logic_error);
}

}  // namespace
}  // namespace seatd::metrics
