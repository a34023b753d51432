#pragma once
// The pieces of Prometheus's text exposition format 0.0.4 that need care: which names are
// valid, how HELP text and label values are escaped, and how a sample value is written.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seatd::metrics {

// Label names and values, fixed when a series is registered.
using label_set = std::vector<std::pair<std::string, std::string>>;

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved by Prometheus)
bool valid_label_name(std::string_view name);

// HELP text: backslash and line feed escaped.
std::string escape_help(std::string_view text);
// A label value: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);
// `a="x",b="y"` (no braces; empty for no labels). Throws std::invalid_argument on an invalid or
// repeated label name.
std::string render_labels(const label_set& labels);
// Integers as integers (up to 2^53), other values in the shortest form that reads back the
// same, and "+Inf", "-Inf", "NaN".
std::string format_value(double v);

}  // namespace seatd::metrics
