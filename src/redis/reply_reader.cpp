#include "redis/reply_reader.hpp"

#include <hiredis/read.h>

#include <new>
#include <stdexcept>

#include "redis/errc.hpp"

namespace seatd::redis {
namespace {

// hiredis calls these for each value it parses. A child is appended to its parent array
// (task->parent->obj); only the root is heap-allocated, and hiredis frees only the root
// (freeObject on r->reply), which owns the children. Appending may reallocate the parent's
// vector, but hiredis parses depth-first: once a sibling is appended, no task still points
// into earlier siblings, and the parent itself sits in a vector that is not growing while
// its children arrive. Returning nullptr makes hiredis fail the parse ("out of memory"),
// which is how a limit is enforced; exceptions must not cross into C.
void* attach(const redisReadTask* task, reply&& value) noexcept {
  try {
    if (task->parent != nullptr) {
      auto* parent = static_cast<reply*>(task->parent->obj);
      auto& elements = parent->elements();
      elements.push_back(std::move(value));
      return &elements.back();
    }
    return new reply(std::move(value));
  } catch (...) {
    return nullptr;
  }
}

}  // namespace

// The callbacks reach the reader's private build_state through task->privdata.
struct reply_reader_callbacks {
  using state = reply_reader::build_state;

  static state& st(const redisReadTask* task) { return *static_cast<state*>(task->privdata); }

  static void* create_string(const redisReadTask* task, char* str, size_t len) {
    auto& s = st(task);
    s.bytes += len;
    if (s.bytes > s.limits.max_reply_bytes) {
      s.limit_hit = true;
      return nullptr;
    }
    reply_type t = task->type == REDIS_REPLY_STATUS  ? reply_type::status
                   : task->type == REDIS_REPLY_ERROR ? reply_type::error
                                                     : reply_type::string;
    try {
      std::string text(str, len);
      reply r = t == reply_type::status  ? reply::make_status(std::move(text))
                : t == reply_type::error ? reply::make_error(std::move(text))
                                         : reply::make_string(std::move(text));
      return attach(task, std::move(r));
    } catch (...) {
      return nullptr;
    }
  }

  static void* create_array(const redisReadTask* task, int elements) {
    auto& s = st(task);
    if (elements < 0) return nullptr;  // only -1 is valid, and hiredis maps it to nil
    s.elements += static_cast<std::size_t>(elements);
    if (s.elements > s.limits.max_elements) {
      s.limit_hit = true;
      return nullptr;
    }
    try {
      std::vector<reply> v;
      // Reserve what a sane reply needs, not whatever count the header claims.
      v.reserve(std::min<std::size_t>(static_cast<std::size_t>(elements), 4096));
      return attach(task, reply::make_array(std::move(v)));
    } catch (...) {
      return nullptr;
    }
  }

  static void* create_integer(const redisReadTask* task, long long value) {
    return attach(task, reply::make_integer(value));
  }

  static void* create_nil(const redisReadTask* task) { return attach(task, reply{}); }

  static void free_object(void* obj) { delete static_cast<reply*>(obj); }
};

namespace {
redisReplyObjectFunctions reply_functions = {
    reply_reader_callbacks::create_string, reply_reader_callbacks::create_array,
    reply_reader_callbacks::create_integer, reply_reader_callbacks::create_nil,
    reply_reader_callbacks::free_object};
}  // namespace

void reply_reader::reader_deleter::operator()(redisReader* r) const noexcept {
  redisReaderFree(r);
}

reply_reader::reply_reader(reader_limits limits)
    : state_(std::make_unique<build_state>(build_state{limits})) {
  reset();
}

reply_reader::~reply_reader() = default;

void reply_reader::reset() {
  reader_.reset(redisReaderCreateWithFunctions(&reply_functions));
  if (!reader_) throw std::bad_alloc();
  // Keep at most this much spare buffer after a large reply (hiredis's default), so one big
  // reply does not pin its memory for the life of the connection.
  reader_->maxbuf = REDIS_READER_MAX_BUF;
  reader_->privdata = state_.get();
  state_->bytes = 0;
  state_->elements = 0;
  state_->limit_hit = false;
  failed_ = false;
  error_.clear();
}

std::size_t reply_reader::buffered() const noexcept { return reader_->len - reader_->pos; }

boost::system::error_code reply_reader::fail(std::string message) {
  failed_ = true;
  error_ = std::move(message);
  return make_error_code(errc::protocol);
}

void reply_reader::feed(std::string_view bytes) {
  if (failed_ || bytes.empty()) return;
  if (redisReaderFeed(reader_.get(), bytes.data(), bytes.size()) != REDIS_OK) {
    fail(reader_->errstr);
  }
}

boost::system::result<std::optional<reply>> reply_reader::next() {
  if (failed_) return make_error_code(errc::protocol);
  void* obj = nullptr;
  if (redisReaderGetReply(reader_.get(), &obj) != REDIS_OK) {
    return fail(state_->limit_hit ? "reply exceeds the reader's limits"
                                  : std::string("invalid reply: ") + reader_->errstr);
  }
  if (obj == nullptr) {
    if (buffered() + state_->bytes > state_->limits.max_reply_bytes) {
      return fail("reply exceeds the reader's limits");
    }
    return std::optional<reply>{};
  }
  std::unique_ptr<reply> root(static_cast<reply*>(obj));
  state_->bytes = 0;
  state_->elements = 0;
  return std::optional<reply>(std::move(*root));
}

}  // namespace seatd::redis
