#pragma once
// A Redis command as its arguments, encoded to RESP by hiredis's redisFormatCommandArgv.
// Arguments are binary-safe: each is passed with its length, so NUL, CR and LF are fine.
#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace seatd::redis {

// RESP for one command: "*<n>\r\n" then "$<len>\r\n<bytes>\r\n" per argument.
std::string encode_command(std::span<const std::string_view> args);

// Argument types a command accepts: anything viewable as a string, or an integer (formatted
// in decimal, which is how Redis reads integer arguments).
template <class T>
concept command_arg =
    std::is_convertible_v<const T&, std::string_view> ||
    (std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>);

template <class R>
concept command_arg_range = requires(const R& r) {
  { *std::begin(r) } -> std::convertible_to<std::string_view>;
  std::end(r);
};

class command {
 public:
  command() = default;
  command(std::initializer_list<std::string_view> args);

  command& push(std::string_view arg) {
    args_.emplace_back(arg);
    return *this;
  }
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>)
  command& push(T value) {
    args_.push_back(std::to_string(value));
    return *this;
  }
  template <command_arg_range R>
  command& push_range(const R& range) {
    for (const auto& a : range) push(std::string_view(a));
    return *this;
  }
  // Appends every argument: push(a), push(b), ...
  template <command_arg... Args>
  command& push_all(const Args&... args) {
    (push_one(args), ...);
    return *this;
  }

  bool empty() const noexcept { return args_.empty(); }
  std::size_t size() const noexcept { return args_.size(); }
  const std::string& operator[](std::size_t i) const { return args_[i]; }
  const std::vector<std::string>& args() const noexcept { return args_; }

  std::string encode() const;

 private:
  template <class T>
  void push_one(const T& a) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      push(std::string_view(a));
    } else {
      push(a);
    }
  }

  std::vector<std::string> args_;
};

}  // namespace seatd::redis
