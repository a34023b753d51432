#include "ticket/ticket_test_support.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "component/test_paths.hpp"

extern char** environ;

namespace seatd::tickets::testing {

namespace {

struct spawned {
  pid_t pid = -1;
  int out = -1;  // read end of the child's stdout
};

// posix_spawn rather than fork: the test process may have threads running.
spawned spawn_with_stdout_pipe(const std::vector<std::string>& argv) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    throw std::runtime_error("cannot start " + argv[0]);
  }
  return {pid, fds[0]};
}

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

std::string run(const std::vector<std::string>& argv) {
  const spawned child = spawn_with_stdout_pipe(argv);
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(child.out, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(child.out);
  const int status = reap(child.pid);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(argv[0] + " failed (status " + std::to_string(status) + ")");
  }
  return out;
}

scratch_dir::scratch_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "seatd-ticket-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

scratch_dir::~scratch_dir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::vector<std::filesystem::path> eml_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.front() != '.' && e.path().extension() == ".eml") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::map<std::string, std::string> check_mail(const std::filesystem::path& eml) {
  std::map<std::string, std::string> out;
  const std::string text =
      run({system_python, test::source_dir() + "/tests/ticket/check_mail.py", eml.string()});
  std::size_t start = 0;
  while (start < text.size()) {
    const auto nl = text.find('\n', start);
    const std::string line = text.substr(start, nl - start);
    const auto colon = line.find(": ");
    if (colon != std::string::npos) out[line.substr(0, colon)] = line.substr(colon + 2);
    start = nl == std::string::npos ? text.size() : nl + 1;
  }
  return out;
}

std::string header_value(std::string_view message, std::string_view name) {
  const auto headers_end = message.find("\r\n\r\n");
  std::string_view headers = message.substr(0, headers_end);
  std::size_t start = 0;
  while (start < headers.size()) {
    auto end = headers.find("\r\n", start);
    if (end == std::string_view::npos) end = headers.size();
    std::string_view line = headers.substr(start, end - start);
    if (line.size() > name.size() && line.substr(0, name.size()) == name &&
        line[name.size()] == ':') {
      line.remove_prefix(name.size() + 1);
      while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
      return std::string(line);
    }
    start = end + 2;
  }
  return {};
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

smtp_sink::smtp_sink(std::filesystem::path dir) : smtp_sink(std::move(dir), options{}) {}

smtp_sink::smtp_sink(std::filesystem::path dir, options opts) : dir_(std::move(dir)) {
  std::vector<std::string> argv = {system_python, test::source_dir() + "/tests/ticket/smtp_sink.py",
                                   "--dir", dir_.string()};
  if (!opts.user.empty()) {
    argv.insert(argv.end(), {"--user", opts.user, "--password", opts.password});
  }
  if (opts.port != 0) argv.insert(argv.end(), {"--port", std::to_string(opts.port)});
  if (opts.delay_first > 0) argv.insert(argv.end(), {"--delay-first", std::to_string(opts.delay_first)});
  const spawned child = spawn_with_stdout_pipe(argv);
  pid_ = child.pid;
  // The first line is "READY <port>".
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{child.out, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    char buf[128];
    const ssize_t n = ::read(child.out, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  ::close(child.out);
  if (line.rfind("READY ", 0) != 0) {
    ::kill(pid_, SIGKILL);
    reap(pid_);
    throw std::runtime_error("smtp_sink.py did not start (python3-aiosmtpd installed?): " + line);
  }
  port_ = static_cast<std::uint16_t>(std::stoi(line.substr(6)));
}

smtp_sink::~smtp_sink() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid_, SIGKILL);
  reap(pid_);
}

std::uint16_t unused_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    throw std::runtime_error("cannot find a free port");
  }
  ::close(s);
  return ntohs(a.sin_port);
}

}  // namespace seatd::tickets::testing
