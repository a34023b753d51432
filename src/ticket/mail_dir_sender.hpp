#pragma once
// The embedded default without SMTP_URL: each message becomes a file
//
//     <dir>/<UTC timestamp>-<Message-ID, sanitized>.eml      e.g. 20261205T063852.123Z-booking-ABC-1A2B3C.1@seatd.eml
//
// that any mail client opens, so a demo shows the real messages. The write is atomic (a
// temporary file in the same directory, fsync, rename, fsync of the directory): a reader or a
// crash never sees half a message. Idempotent per Message-ID: sending a message again (the
// outbox's retry after a crash) replaces the file that already carries that id, whatever its
// timestamp, instead of adding a second one. The directory is created when missing.
#include <filesystem>
#include <mutex>
#include <string>

#include "domain/clock.hpp"
#include "ticket/mail_sender.hpp"

namespace seatd::tickets {

class mail_dir_sender final : public mail_sender {
 public:
  // clock: for the timestamp of a new file (tests inject one). Must outlive the sender.
  mail_dir_sender(std::filesystem::path dir, const clock& clock);

  // I/O failures (no space, no permission) are mail_retryable: they may pass, and the outbox
  // must not give a message up for them. An empty message or Message-ID is mail_invalid.
  send_result send(const outgoing_mail& mail) const override;

  const std::filesystem::path& directory() const noexcept { return dir_; }

  // The Message-ID as a file-name part: [A-Za-z0-9._@+-] kept, anything else '_', at most
  // 100 characters; when that changed the id, a hash of the whole id is appended so two ids
  // never share a file.
  static std::string sanitize_message_id(std::string_view id);

 private:
  std::filesystem::path dir_;
  const clock& clock_;
  // Finding the existing file and replacing it is one step: two threads sending the same id
  // at once must not both decide it is new.
  mutable std::mutex mutex_;
};

}  // namespace seatd::tickets
