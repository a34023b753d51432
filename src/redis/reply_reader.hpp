#pragma once
// Incremental RESP2 parser: bytes in (as they arrive from the socket), complete replies out.
// hiredis's standalone redisReader does the parsing; our reply-object functions build
// seatd::redis::reply values directly (no redisReply tree to convert and free) and enforce
// limits, so a misbehaving server cannot make us buffer or allocate without bound.
#include <boost/system/result.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "redis/reply.hpp"

struct redisReader;

namespace seatd::redis {

struct reply_reader_callbacks;

struct reader_limits {
  // Bytes of one reply: its strings plus the unparsed bytes buffered for it. Redis's own
  // proto-max-bulk-len is 512 MiB; seatd's replies are small, so a far lower cap is safe.
  std::size_t max_reply_bytes = 64 * 1024 * 1024;
  // Elements across all arrays of one reply.
  std::size_t max_elements = 1024 * 1024;
};

class reply_reader {
 public:
  explicit reply_reader(reader_limits limits = {});
  ~reply_reader();
  reply_reader(const reply_reader&) = delete;
  reply_reader& operator=(const reply_reader&) = delete;

  // Appends bytes; they are parsed by next().
  void feed(std::string_view bytes);

  // The next complete reply, or nullopt until more bytes arrive. A protocol error or an
  // exceeded limit yields errc::protocol and leaves the reader failed (every later call
  // fails too) until reset(): the byte stream cannot be resynchronised.
  boost::system::result<std::optional<reply>> next();

  // Forgets buffered bytes and any error: for a new connection.
  void reset();

  // Why the last next() failed ("Protocol error, got ..." or the exceeded limit).
  const std::string& error_message() const noexcept { return error_; }

  // Bytes fed but not yet consumed by a complete reply.
  std::size_t buffered() const noexcept;

 private:
  friend struct reply_reader_callbacks;
  struct build_state {
    reader_limits limits;
    std::size_t bytes = 0;
    std::size_t elements = 0;
    bool limit_hit = false;
  };
  struct reader_deleter {
    void operator()(redisReader* r) const noexcept;
  };

  boost::system::error_code fail(std::string message);

  // Behind a pointer so hiredis's privdata stays valid whatever happens to this object.
  std::unique_ptr<build_state> state_;
  std::unique_ptr<redisReader, reader_deleter> reader_;
  bool failed_ = false;
  std::string error_;
};

}  // namespace seatd::redis
