#include "metrics/registry.hpp"

#include <stdexcept>
#include <variant>

namespace seatd::metrics {

struct registry::series {
  std::string labels;  // rendered, without braces
  std::variant<std::unique_ptr<counter>, std::unique_ptr<gauge>, std::unique_ptr<histogram>,
               std::unique_ptr<code_counters>, std::function<double()>>
      value;
  std::string code_label;  // code_counters only
};

struct registry::family {
  std::string name;
  std::string help;
  metric_type type;
  std::vector<std::unique_ptr<series>> members;
};

registry::registry() = default;
registry::~registry() = default;

namespace {

const char* type_name(metric_type t) {
  switch (t) {
    case metric_type::counter:
      return "counter";
    case metric_type::gauge:
      return "gauge";
    case metric_type::histogram:
      return "histogram";
  }
  return "untyped";
}

// One sample line: name{labels} value
void sample(std::string& out, std::string_view name, std::string_view labels,
            std::string_view value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

std::string joined(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  out += ',';
  out += b;
  return out;
}

}  // namespace

registry::family& registry::family_for(std::string_view name, std::string_view help,
                                       metric_type type) {
  if (!valid_metric_name(name))
    throw std::logic_error("invalid metric name '" + std::string(name) + "'");
  for (auto& f : families_) {
    if (f->name != name) continue;
    if (f->type != type || f->help != help)
      throw std::logic_error("metric '" + std::string(name) +
                             "' registered again with another type or help");
    return *f;
  }
  auto f = std::make_unique<family>();
  f->name = std::string(name);
  f->help = std::string(help);
  f->type = type;
  families_.push_back(std::move(f));
  return *families_.back();
}

registry::series& registry::add_series(std::string_view name, std::string_view help,
                                       metric_type type, const label_set& labels) {
  std::string rendered;
  try {
    rendered = render_labels(labels);
  } catch (const std::invalid_argument& e) {
    throw std::logic_error("metric '" + std::string(name) + "': " + e.what());
  }
  auto& f = family_for(name, help, type);
  for (const auto& s : f.members)
    if (s->labels == rendered)
      throw std::logic_error("metric '" + std::string(name) + "{" + rendered +
                             "}' registered twice");
  f.members.push_back(std::make_unique<series>());
  f.members.back()->labels = std::move(rendered);
  return *f.members.back();
}

counter& registry::add_counter(std::string_view name, std::string_view help,
                               const label_set& labels) {
  std::lock_guard lock(mutex_);
  auto& s = add_series(name, help, metric_type::counter, labels);
  return *s.value.emplace<std::unique_ptr<counter>>(std::make_unique<counter>());
}

gauge& registry::add_gauge(std::string_view name, std::string_view help, const label_set& labels) {
  std::lock_guard lock(mutex_);
  auto& s = add_series(name, help, metric_type::gauge, labels);
  return *s.value.emplace<std::unique_ptr<gauge>>(std::make_unique<gauge>());
}

histogram& registry::add_histogram(std::string_view name, std::string_view help,
                                   std::vector<double> bounds, const label_set& labels) {
  auto h = std::make_unique<histogram>(std::move(bounds));  // validates the bounds
  std::lock_guard lock(mutex_);
  auto& s = add_series(name, help, metric_type::histogram, labels);
  return *s.value.emplace<std::unique_ptr<histogram>>(std::move(h));
}

code_counters& registry::add_code_counters(std::string_view name, std::string_view help,
                                           const label_set& labels, std::string_view code_label) {
  label_set probe = labels;  // the code label must be a valid, unused name
  probe.emplace_back(std::string(code_label), "");
  std::lock_guard lock(mutex_);
  (void)render_labels(probe);
  auto& s = add_series(name, help, metric_type::counter, labels);
  s.code_label = std::string(code_label);
  return *s.value.emplace<std::unique_ptr<code_counters>>(std::make_unique<code_counters>());
}

void registry::add_gauge_callback(std::string_view name, std::string_view help,
                                  const label_set& labels, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  add_series(name, help, metric_type::gauge, labels).value = std::move(read);
}

void registry::add_counter_callback(std::string_view name, std::string_view help,
                                    const label_set& labels, std::function<double()> read) {
  std::lock_guard lock(mutex_);
  add_series(name, help, metric_type::counter, labels).value = std::move(read);
}

std::string registry::expose() const {
  std::lock_guard lock(mutex_);
  std::string out;
  std::string samples;
  for (const auto& f : families_) {
    samples.clear();
    for (const auto& s : f->members) {
      if (auto* c = std::get_if<std::unique_ptr<counter>>(&s->value)) {
        sample(samples, f->name, s->labels, std::to_string((*c)->value()));
      } else if (auto* g = std::get_if<std::unique_ptr<gauge>>(&s->value)) {
        sample(samples, f->name, s->labels, std::to_string((*g)->value()));
      } else if (auto* read = std::get_if<std::function<double()>>(&s->value)) {
        sample(samples, f->name, s->labels, format_value((*read)()));
      } else if (auto* cc = std::get_if<std::unique_ptr<code_counters>>(&s->value)) {
        (*cc)->for_each([&](std::string_view code, std::uint64_t n) {
          auto code_text = s->code_label + "=\"" + std::string(code) + "\"";
          sample(samples, f->name, joined(s->labels, code_text), std::to_string(n));
        });
      } else if (auto* h = std::get_if<std::unique_ptr<histogram>>(&s->value)) {
        auto snap = (*h)->read();
        auto bounds = (*h)->bounds();
        const std::string bucket = f->name + "_bucket";
        for (std::size_t i = 0; i <= bounds.size(); ++i) {
          auto le = "le=\"" + (i < bounds.size() ? format_value(bounds[i]) : "+Inf") + "\"";
          sample(samples, bucket, joined(s->labels, le), std::to_string(snap.cumulative[i]));
        }
        sample(samples, f->name + "_sum", s->labels, format_value(snap.sum));
        sample(samples, f->name + "_count", s->labels, std::to_string(snap.count));
      }
    }
    if (samples.empty()) continue;
    out += "# HELP " + f->name + " " + escape_help(f->help) + "\n";
    out += "# TYPE " + f->name + " " + type_name(f->type) + "\n";
    out += samples;
  }
  return out;
}

}  // namespace seatd::metrics
