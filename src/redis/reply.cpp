#include "redis/reply.hpp"

#include <charconv>
#include <stdexcept>

namespace seatd::redis {
namespace {
const char* type_name(reply_type t) {
  switch (t) {
    case reply_type::nil: return "nil";
    case reply_type::status: return "status";
    case reply_type::error: return "error";
    case reply_type::integer: return "integer";
    case reply_type::string: return "string";
    case reply_type::array: return "array";
  }
  return "?";
}

void append_quoted(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  out += '"';
}

void render(std::string& out, const reply& r) {
  switch (r.type()) {
    case reply_type::nil: out += "nil"; return;
    case reply_type::status: out += '+'; out += r.str(); return;
    case reply_type::error: out += '-'; out += r.str(); return;
    case reply_type::integer: out += ':'; out += std::to_string(r.integer()); return;
    case reply_type::string: append_quoted(out, r.str()); return;
    case reply_type::array:
      out += '[';
      for (std::size_t i = 0; i < r.size(); ++i) {
        if (i) out += ", ";
        render(out, r[i]);
      }
      out += ']';
      return;
  }
}
}  // namespace

void reply::expect(bool ok, const char* what) const {
  if (!ok) {
    throw std::logic_error(std::string("redis reply is ") + type_name(type_) + ", not " + what);
  }
}

const std::string& reply::str() const {
  expect(type_ == reply_type::status || type_ == reply_type::error ||
             type_ == reply_type::string,
         "a string");
  return str_;
}

std::string reply::take_str() {
  expect(type_ == reply_type::status || type_ == reply_type::error ||
             type_ == reply_type::string,
         "a string");
  return std::move(str_);
}

std::int64_t reply::integer() const {
  expect(type_ == reply_type::integer, "an integer");
  return integer_;
}

const std::vector<reply>& reply::elements() const {
  expect(type_ == reply_type::array, "an array");
  return elements_;
}

std::vector<reply>& reply::elements() {
  expect(type_ == reply_type::array, "an array");
  return elements_;
}

std::string_view reply::error_kind() const noexcept {
  if (type_ != reply_type::error) return {};
  std::string_view s = str_;
  return s.substr(0, s.find(' '));
}

std::optional<std::int64_t> reply::to_integer() const noexcept {
  if (type_ == reply_type::integer) return integer_;
  if (type_ != reply_type::string || str_.empty()) return std::nullopt;
  std::int64_t v = 0;
  const char* end = str_.data() + str_.size();
  auto [p, ec] = std::from_chars(str_.data(), end, v);
  if (ec != std::errc{} || p != end) return std::nullopt;
  return v;
}

std::string reply::debug_string() const {
  std::string out;
  render(out, *this);
  return out;
}

}  // namespace seatd::redis
