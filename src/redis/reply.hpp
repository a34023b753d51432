#pragma once
// One RESP2 reply as a plain value: nil, status (+OK), error (-ERR ...), integer, bulk string
// (binary-safe) or array of replies. Built by reply_reader from bytes off the socket; also
// constructible directly, so tests and callers can compare against expected values.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seatd::redis {

enum class reply_type { nil, status, error, integer, string, array };

class reply {
 public:
  reply() = default;  // nil

  static reply make_nil() { return {}; }
  static reply make_status(std::string s) { return reply(reply_type::status, std::move(s)); }
  static reply make_error(std::string s) { return reply(reply_type::error, std::move(s)); }
  static reply make_string(std::string s) { return reply(reply_type::string, std::move(s)); }
  static reply make_integer(std::int64_t v) {
    reply r;
    r.type_ = reply_type::integer;
    r.integer_ = v;
    return r;
  }
  static reply make_array(std::vector<reply> elements) {
    reply r;
    r.type_ = reply_type::array;
    r.elements_ = std::move(elements);
    return r;
  }

  reply_type type() const noexcept { return type_; }
  bool is_nil() const noexcept { return type_ == reply_type::nil; }
  bool is_status() const noexcept { return type_ == reply_type::status; }
  bool is_error() const noexcept { return type_ == reply_type::error; }
  bool is_integer() const noexcept { return type_ == reply_type::integer; }
  bool is_string() const noexcept { return type_ == reply_type::string; }
  bool is_array() const noexcept { return type_ == reply_type::array; }

  // Accessors check the type and throw std::logic_error on a mismatch: reading a reply as the
  // wrong type is a bug in the calling code, not a runtime condition.
  // str(): the text of a status, error or bulk string.
  const std::string& str() const;
  std::string take_str();
  std::int64_t integer() const;
  const std::vector<reply>& elements() const;
  std::vector<reply>& elements();
  const reply& operator[](std::size_t i) const { return elements().at(i); }
  std::size_t size() const { return elements().size(); }

  // The first word of an error reply ("ERR", "WRONGTYPE", "NOSCRIPT"...); empty otherwise.
  std::string_view error_kind() const noexcept;
  // The value of an integer reply, or of a bulk string holding a decimal integer (what
  // GET/HGET return for counters); nullopt for anything else.
  std::optional<std::int64_t> to_integer() const noexcept;

  // A readable rendering for logs and test failures: nil, +OK, -ERR x, :42, "bytes", [a, b].
  std::string debug_string() const;

  bool operator==(const reply&) const = default;

 private:
  reply(reply_type t, std::string s) : type_(t), str_(std::move(s)) {}
  void expect(bool ok, const char* what) const;

  reply_type type_ = reply_type::nil;
  std::string str_;
  std::int64_t integer_ = 0;
  std::vector<reply> elements_;
};

}  // namespace seatd::redis
