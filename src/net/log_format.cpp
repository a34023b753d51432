#include "net/log_format.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include "net/log_fields.hpp"
#include "net/log_line.hpp"

namespace seatd::net {

namespace {

std::string_view view(spdlog::string_view_t s) { return {s.data(), s.size()}; }

void append(spdlog::memory_buf_t& dest, std::string_view s) {
  dest.append(s.data(), s.data() + s.size());
}

class json_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    append(dest, json_log_line(msg.time, view(spdlog::level::to_string_view(msg.level)),
                               view(msg.payload), current_log_fields()));
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }
};

// %* in the text pattern: " request_id=..." on the lines of a request.
class request_id_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    append(dest, text_log_suffix(current_log_fields()));
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<request_id_flag>();
  }
};

}  // namespace

void use_log_format(bool json) {
  if (json) {
    spdlog::set_formatter(std::make_unique<json_formatter>());
    return;
  }
  auto text = std::make_unique<spdlog::pattern_formatter>();
  text->add_flag<request_id_flag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v%*");
  spdlog::set_formatter(std::move(text));
}

}  // namespace seatd::net
