#pragma once
// A real seatd process for component tests: started on port 0 with a fresh SQLite file,
// ready when it prints "seatd ready port=N", stopped with SIGTERM (and its exit checked).
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace seatd::testing {

class seatd_process {
 public:
  // extra: more command-line arguments; env: extra environment variables.
  explicit seatd_process(std::vector<std::string> extra = {},
                         std::map<std::string, std::string> env = {});
  ~seatd_process();
  seatd_process(const seatd_process&) = delete;
  seatd_process& operator=(const seatd_process&) = delete;

  unsigned short port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::string database_url() const;
  // Sends SIGTERM and waits; returns the exit status (or -signal), -1000 on timeout.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Sends `sig` and returns at once.
  void signal(int sig);
  // Waits for the process to exit on its own (after a signal()); returns as stop() does.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // SIGKILL, as a crash or an OOM kill would: no shutdown runs. Waits for the process to end.
  void kill();
  bool running();
  // Everything the process printed on stdout up to readiness.
  const std::string& banner() const { return banner_; }
  // Everything the process printed so far (stdout and stderr).
  std::string log_text() const;

  static const char* secret() { return "component-test-secret-key-0123456789abcdef"; }

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::filesystem::path dir_;
  std::string banner_;
  bool clean_exit_ = true;
};

// Runs seatd with arguments to completion (CLI subcommands); returns exit code and output.
struct run_result {
  int code = -1;
  std::string output;  // stdout and stderr
};
run_result run_seatd(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env = {});

}  // namespace seatd::testing
