#include "ticket/mail_dir_sender.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "ticket/errc.hpp"

namespace seatd::tickets {

namespace {

constexpr std::size_t timestamp_size = 20;  // 20261205T063852.123Z
constexpr std::size_t max_id_part = 100;

std::string timestamp(sys_ms t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

send_error io_error(const char* what, int err) {
  return {make_error_code(errc::mail_retryable),
          std::string(what) + ": " + std::strerror(err)};
}

// Closes a descriptor on every path.
struct fd_guard {
  int fd = -1;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

mail_dir_sender::mail_dir_sender(std::filesystem::path dir, const clock& clock)
    : dir_(std::move(dir)), clock_(clock) {}

std::string mail_dir_sender::sanitize_message_id(std::string_view id) {
  std::string out;
  bool changed = id.size() > max_id_part;
  for (char c : id.substr(0, max_id_part)) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '@' || c == '+' || c == '-';
    out += keep ? c : '_';
    changed = changed || !keep;
  }
  if (!out.empty() && out.front() == '.') out.front() = '_', changed = true;  // no hidden files
  if (changed) {
    unsigned char hash[8];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(id.data()),
                       id.size(), nullptr, 0);
    char hex[sizeof hash * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    out += '~';
    out += hex;
  }
  return out;
}

send_result mail_dir_sender::send(const outgoing_mail& mail) const {
  if (mail.message_id.empty() || mail.data.empty()) {
    return send_error{make_error_code(errc::mail_invalid), "empty message or Message-ID"};
  }
  const std::string suffix = "-" + sanitize_message_id(mail.message_id) + ".eml";
  const std::lock_guard lock(mutex_);

  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return send_error{make_error_code(errc::mail_retryable), "create " + dir_.string() + ": " + ec.message()};

  // The file this id was written to before, if any: reusing its name is what makes a resend
  // replace it.
  std::string name;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string n = entry.path().filename().string();
    if (n.size() == timestamp_size + suffix.size() && n.compare(timestamp_size, suffix.size(), suffix) == 0) {
      name = n;
      break;
    }
  }
  if (ec) return send_error{make_error_code(errc::mail_retryable), "list " + dir_.string() + ": " + ec.message()};
  if (name.empty()) name = timestamp(clock_.now()) + suffix;

  // Temporary file in the same directory (rename is atomic only within one file system),
  // hidden by its leading dot from anyone watching for *.eml.
  std::string tmp = (dir_ / ".tmp-XXXXXX").string();
  fd_guard file{::mkostemp(tmp.data(), O_CLOEXEC)};
  if (file.fd < 0) return io_error("mkostemp", errno);
  auto fail = [&](const char* what) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return io_error(what, err);
  };
  if (!write_all(file.fd, mail.data)) return fail("write");
  if (::fsync(file.fd) != 0) return fail("fsync");
  const int fd = file.fd;
  file.fd = -1;
  if (::close(fd) != 0) return fail("close");
  if (::rename(tmp.c_str(), (dir_ / name).c_str()) != 0) return fail("rename");
  // The rename itself is durable only once the directory is synced.
  fd_guard d{::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0) ::fsync(d.fd);
  return {};
}

}  // namespace seatd::tickets
