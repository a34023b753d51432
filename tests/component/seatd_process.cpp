#include "component/seatd_process.hpp"

#include "component/test_paths.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <cstring>
#include <random>
#include <stdexcept>
#include <thread>

namespace seatd::testing {
namespace {

std::filesystem::path fresh_dir() {
  static std::atomic<int> counter{0};
  auto base = std::filesystem::temp_directory_path() /
              ("seatd-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base);
  return base;
}

pid_t spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::filesystem::path& cwd, int out_fd) {
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(out_fd, 1);
    ::dup2(out_fd, 2);
    if (::chdir(cwd.c_str()) != 0) _exit(127);
    for (auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

seatd_process::seatd_process(std::vector<std::string> extra, std::map<std::string, std::string> env)
    : dir_(fresh_dir()) {
  // The suites take many seats quickly from one address and one account, and re-take seats
  // that just expired: the anti-hoarding limits are off unless a test sets them.
  env.try_emplace("SEATD_HOLD_RATE_PER_MINUTE", "0");
  env.try_emplace("SEATD_MAX_HOLDS_PER_ACCOUNT", "10000");
  env.try_emplace("SEATD_HOLD_COOLDOWN_SECONDS", "0");
  // The suites stop instances all the time: no drain on SIGTERM unless a test asks for one.
  env.try_emplace("SEATD_DRAIN_SECONDS", "0");
  std::vector<std::string> args{test::seatd_binary(),
                                "--host", "127.0.0.1",
                                "--port", "0",
                                "--database", database_url(),
                                "--secret-key", secret(),
                                "--fast-password-hash",
                                "--access-log", "false",
                                "--io-threads", "2",
                                "--env-file", (dir_ / "none.env").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  // The child's output goes to a log file in its directory: readiness is read from it, and
  // it is printed when the process ends badly.
  auto log = dir_ / "seatd.log";
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + log.string());
  pid_ = spawn(args, env, dir_, fd);
  ::close(fd);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (port_ == 0 && std::chrono::steady_clock::now() < deadline && running()) {
    std::ifstream f(log);
    std::stringstream ss;
    ss << f.rdbuf();
    banner_ = ss.str();
    auto pos = banner_.find("seatd ready port=");
    if (pos != std::string::npos && banner_.find('\n', pos) != std::string::npos)
      port_ = static_cast<unsigned short>(std::stoi(banner_.substr(pos + 17)));
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (port_ == 0) {
    stop(std::chrono::seconds(1));
    throw std::runtime_error("seatd did not become ready:\n" + log_text());
  }
}

std::string seatd_process::log_text() const {
  std::ifstream f(dir_ / "seatd.log");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

seatd_process::~seatd_process() {
  if (pid_ > 0) stop();
  if (!clean_exit_) std::fprintf(stderr, "---- seatd log (%s) ----\n%s\n----\n", dir_.c_str(), log_text().c_str());
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string seatd_process::database_url() const { return "sqlite:///" + (dir_ / "seatd.db").string(); }

bool seatd_process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  return ::waitpid(pid_, &status, WNOHANG) == 0;
}

int seatd_process::stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  return wait(timeout);
}

int seatd_process::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      clean_exit_ = false;
      return -1000;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  clean_exit_ = code == 0;
  return code;
}

void seatd_process::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

void seatd_process::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

run_result run_seatd(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env) {
  std::vector<std::string> full{test::seatd_binary()};
  full.insert(full.end(), args.begin(), args.end());
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = spawn(full, env, std::filesystem::temp_directory_path(), fds[1]);
  ::close(fds[1]);
  run_result r;
  char chunk[4096];
  ssize_t n;
  while ((n = ::read(fds[0], chunk, sizeof chunk)) > 0) r.output.append(chunk, std::size_t(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  return r;
}

}  // namespace seatd::testing
