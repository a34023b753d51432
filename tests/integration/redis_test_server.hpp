#pragma once
// A real redis-server (Debian's /usr/bin/redis-server) for integration tests: started on a
// free port in its own temporary directory, without persistence, and killed, paused or
// restarted on the same port on demand. A small blocking hiredis client (independent of the
// client under test) runs setup commands and checks.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.hpp"

namespace seatd::test {

// A TCP port on 127.0.0.1 that was free a moment ago (for servers that cannot be told port 0).
std::uint16_t free_port();
// Starts args[0] (a full path) with args, stdin from /dev/null, stdout and stderr into `output`
// (a file, or "/dev/null"), no other descriptor of the test process. Throws std::runtime_error.
pid_t spawn_server(std::vector<std::string> args, const std::string& output);
// A port on 127.0.0.1 that was free a moment ago (another process may still take it first:
// servers started on it retry with a new one).
std::uint16_t free_port();
// Calls start(port) with free ports until it returns: another process may take a free port
// before the server binds it (ctest -j), the server then exits at once and start throws
// std::runtime_error. After five tries, removes `dir` (the caller's destructor will not run,
// as its constructor is what fails) and rethrows.
void start_on_a_free_port(const std::filesystem::path& dir,
                          const std::function<void(std::uint16_t)>& start);

class redis_test_server {
 public:
  struct options {
    std::string password;                 // --requirepass when not empty
    std::vector<std::string> extra_args;  // e.g. {"--enable-debug-command", "yes"}
  };

  // Starts the server; throws std::runtime_error if it does not answer PING within 10 s.
  redis_test_server();
  explicit redis_test_server(options opts);
  ~redis_test_server();  // kill -9, remove the directory
  redis_test_server(const redis_test_server&) = delete;
  redis_test_server& operator=(const redis_test_server&) = delete;

  void start();    // on port(); waits until PING answers (10 s at most)
  void kill();     // SIGKILL and reap; no-op when not running
  void restart();  // kill() then start() on the same port
  void pause();    // SIGSTOP: the server accepts TCP but answers nothing
  void resume();   // SIGCONT

  bool running() const noexcept { return pid_ > 0; }
  std::uint16_t port() const noexcept { return port_; }
  // redis://[:password@]127.0.0.1:port[/db]
  std::string url(int db = 0) const;

  // Runs one command on a fresh blocking connection (AUTH / SELECT db first as needed),
  // 5 s timeout. Throws std::runtime_error when the server cannot be reached.
  redis::reply command(std::initializer_list<std::string_view> args, int db = 0) const;
  redis::reply command(const std::vector<std::string>& args, int db = 0) const;

 private:
  void wait_until_ready();
  std::string log_tail() const;

  options opts_;
  std::string dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace seatd::test
