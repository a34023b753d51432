#pragma once
// What the ticket component and integration tests share: running a command-line tool and
// reading its output, a scratch directory, and a real SMTP server (tests/ticket/smtp_sink.py on
// Debian's python3-aiosmtpd) started on a free port.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace seatd::tickets::testing {

// Debian's Python, which has the python3-aiosmtpd module (a pyenv shim on PATH may not).
inline constexpr const char* system_python = "/usr/bin/python3";

bool executable(const std::string& path);

// Runs argv (no shell), returns its standard output; standard error goes to the test's log.
// Throws std::runtime_error when it cannot start or exits non-zero.
std::string run(const std::vector<std::string>& argv);

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class scratch_dir {
 public:
  scratch_dir();
  ~scratch_dir();
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// The .eml files in dir, sorted by name (hidden temporary files left out).
std::vector<std::filesystem::path> eml_files(const std::filesystem::path& dir);
std::string read_file(const std::filesystem::path& p);

// What tests/ticket/check_mail.py (Python's email package) reads in an .eml file: "subject",
// "to", "from", "message-id", "date", "parts", "text", "attachment" (when there is one), ...
std::map<std::string, std::string> check_mail(const std::filesystem::path& eml);

// The value of the first header line `name` (case-sensitive, unfolded: the builder writes
// Message-ID on one line); empty when absent.
std::string header_value(std::string_view message, std::string_view name);

// Polls `done` every 20 ms until it is true or `timeout` passes; returns its last answer.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout);

class smtp_sink {
 public:
  struct options {
    std::string user;      // AUTH required when not empty
    std::string password;
    std::uint16_t port = 0;    // 0: a free one
    double delay_first = 0;    // seconds the reply to the first message is held back
  };
  // Starts the sink writing into dir; throws if it does not report READY within 15 s.
  explicit smtp_sink(std::filesystem::path dir);
  smtp_sink(std::filesystem::path dir, options opts);
  ~smtp_sink();  // SIGTERM, then SIGKILL after 5 s; reaped either way
  smtp_sink(const smtp_sink&) = delete;
  smtp_sink& operator=(const smtp_sink&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  const std::filesystem::path& dir() const noexcept { return dir_; }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// A port on 127.0.0.1 with nothing listening (bound, read, released).
std::uint16_t unused_port();

}  // namespace seatd::tickets::testing
