#include "redis/command.hpp"

#include <hiredis/hiredis.h>

#include <climits>
#include <memory>
#include <new>
#include <stdexcept>

namespace seatd::redis {

std::string encode_command(std::span<const std::string_view> args) {
  if (args.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::length_error("redis command has too many arguments");
  }
  std::vector<const char*> argv;
  std::vector<size_t> argvlen;
  argv.reserve(args.size());
  argvlen.reserve(args.size());
  for (std::string_view a : args) {
    // hiredis reads exactly argvlen bytes, so a view that is not NUL-terminated is fine; an
    // empty argument still needs a valid pointer.
    argv.push_back(a.data() != nullptr ? a.data() : "");
    argvlen.push_back(a.size());
  }
  char* raw = nullptr;
  int len = redisFormatCommandArgv(&raw, static_cast<int>(args.size()), argv.data(),
                                   argvlen.data());
  std::unique_ptr<char, decltype(&redisFreeCommand)> owned(raw, &redisFreeCommand);
  if (len < 0 || raw == nullptr) throw std::bad_alloc();
  return std::string(raw, static_cast<std::size_t>(len));
}

command::command(std::initializer_list<std::string_view> args) {
  args_.reserve(args.size());
  for (std::string_view a : args) args_.emplace_back(a);
}

std::string command::encode() const {
  std::vector<std::string_view> views(args_.begin(), args_.end());
  return encode_command(views);
}

}  // namespace seatd::redis
