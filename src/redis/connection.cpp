#include "redis/connection.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <deque>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "redis/endpoint.hpp"
#include "redis/transport.hpp"

namespace seatd::redis {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) ==
                  std::toupper(static_cast<unsigned char>(y));
         });
}

endpoint parse_or_throw(const std::string& url) {
  auto ep = parse_url(url);
  if (!ep) throw std::invalid_argument("invalid Redis URL (expected redis://[[user]:password@]host[:port][/db])");
  return std::move(*ep);
}

}  // namespace

// Requests are matched to replies first-in first-out: `pending_` holds every command written
// or queued for writing on the current link, in order. A request whose caller cancelled keeps
// its place (its reply must still be consumed) but has no completion any more.
class connection::impl final : public detail::transport {
 public:
  impl(asio::any_io_executor strand, config cfg, endpoint ep)
      : transport(std::move(strand), std::move(cfg), std::move(ep)) {}

  std::atomic<std::uint64_t> next_id{1};

  void submit_user(std::uint64_t id, std::string payload, errc precheck,
                   std::unique_ptr<completion_type> done) {
    if (auto ec = admit(precheck, payload.size())) {
      done->complete(ec);
      return;
    }
    enqueue(request{id, purpose::user, std::move(done)}, payload);
  }

  void submit_eval(std::uint64_t id, const std::string& script,
                   const std::vector<std::string>& tail, std::unique_ptr<completion_type> done) {
    std::size_t size = script.size();
    for (const auto& t : tail) size += t.size();
    if (auto ec = admit(errc::ok, size)) {
      done->complete(ec);
      return;
    }
    request r{id, purpose::user, std::move(done)};
    if (auto it = script_sha_.find(script); it != script_sha_.end()) {
      r.eval_fallback = encode_eval("EVAL", script, tail);
      enqueue(std::move(r), encode_eval("EVALSHA", it->second, tail));
      return;
    }
    enqueue(std::move(r), encode_eval("EVAL", script, tail));
    // Learn the SHA1 for next time. EVAL already put the script in the server's cache, so
    // the load costs the server nothing; it rides in the same write.
    if (!script_loading_.contains(script) && pending_.size() < cfg().max_pending) {
      script_loading_.insert(script);
      request load{0, purpose::script_load, nullptr};
      load.script = script;
      enqueue(std::move(load), command{"SCRIPT", "LOAD", script}.encode());
    }
  }

  void cancel(std::uint64_t id) {
    for (auto& r : pending_) {
      if (r.id == id && r.why == purpose::user) {
        if (r.done) r.done->complete(error_code(asio::error::operation_aborted));
        r.done.reset();
        return;
      }
    }
  }

 private:
  enum class purpose { user, health_check, script_load };
  struct request {
    std::uint64_t id = 0;
    purpose why = purpose::user;
    std::unique_ptr<completion_type> done;  // null: internal, or abandoned by its caller
    clock::time_point deadline{};
    std::string eval_fallback;  // EVALSHA: the EVAL to send instead on NOSCRIPT
    std::string script;         // SCRIPT LOAD: the script whose SHA1 the reply is
  };

  error_code admit(errc precheck, std::size_t bytes) const {
    if (precheck != errc::ok) return precheck;
    if (current_phase() == phase::stopped) return errc::stopped;
    if (current_phase() != phase::ready) return errc::unavailable;
    if (pending_.size() >= cfg().max_pending) return errc::overloaded;
    if (queued_bytes() > 0 && queued_bytes() + bytes > cfg().max_queued_bytes) {
      return errc::overloaded;
    }
    return {};
  }

  static std::string encode_eval(std::string_view verb, std::string_view script_or_sha,
                                 const std::vector<std::string>& tail) {
    std::vector<std::string_view> args;
    args.reserve(tail.size() + 2);
    args.push_back(verb);
    args.push_back(script_or_sha);
    args.insert(args.end(), tail.begin(), tail.end());
    return encode_command(args);
  }

  void enqueue(request r, std::string_view payload) {
    r.deadline = clock::now() + cfg().command_timeout;
    const bool was_empty = pending_.empty();
    pending_.push_back(std::move(r));
    send(payload);
    if (was_empty) deadline_added();
  }

  void on_link_up() override { mark_ready(); }

  void on_reply(reply r) override {
    if (pending_.empty()) {
      fail_link(errc::protocol, "reply with no command pending: " + r.debug_string());
      return;
    }
    request req = std::move(pending_.front());
    pending_.pop_front();
    switch (req.why) {
      case purpose::health_check:
        if (!(r.is_status() && r.str() == "PONG")) {
          fail_link(errc::protocol, "health check PING answered " + r.debug_string());
        }
        return;
      case purpose::script_load:
        script_loading_.erase(req.script);
        if (r.is_string()) script_sha_[std::move(req.script)] = r.take_str();
        return;
      case purpose::user:
        // Queued at deadline - command_timeout (enqueue): no timestamp of its own to keep.
        if (auto* h = cfg().command_latency)
          h->observe(std::chrono::duration<double>(clock::now() - req.deadline +
                                                   cfg().command_timeout)
                         .count());
        if (!req.eval_fallback.empty() && r.is_error() && r.error_kind() == "NOSCRIPT") {
          if (!req.done) return;  // abandoned: nobody wants the result
          std::string eval = std::move(req.eval_fallback);
          req.eval_fallback.clear();
          enqueue(std::move(req), eval);
          return;
        }
        if (req.done) req.done->complete(std::move(r));
        return;
    }
  }

  std::optional<clock::time_point> next_deadline() const override {
    if (pending_.empty()) return std::nullopt;
    return pending_.front().deadline;
  }

  void on_deadline_passed() override {
    if (pending_.empty()) return;
    request req = std::move(pending_.front());
    pending_.pop_front();
    if (req.done) req.done->complete(error_code(errc::timeout));
  }

  bool idle() const override { return pending_.empty(); }

  void send_health_check() override {
    enqueue(request{0, purpose::health_check, nullptr}, command{"PING"}.encode());
  }

  void on_link_down(const error_code& ec) override {
    auto failed = std::move(pending_);
    pending_.clear();
    script_loading_.clear();
    for (auto& r : failed) {
      if (r.done) r.done->complete(ec);
    }
  }

  std::deque<request> pending_;
  std::unordered_map<std::string, std::string> script_sha_;  // script text -> SHA1
  std::unordered_set<std::string> script_loading_;
};

connection::connection(asio::any_io_executor executor, config cfg)
    : executor_(asio::make_strand(executor)) {
  endpoint ep = parse_or_throw(cfg.url);
  impl_ = std::make_shared<impl>(executor_, std::move(cfg), std::move(ep));
}

connection::~connection() {
  if (impl_) impl_->stop();
}

connection::connection(connection&&) noexcept = default;

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    if (impl_) impl_->stop();
    impl_ = std::move(other.impl_);
    executor_ = std::move(other.executor_);
  }
  return *this;
}

void connection::on_connected(connected_handler h) { impl_->on_connected = std::move(h); }
void connection::on_disconnected(error_handler h) { impl_->on_disconnected = std::move(h); }
void connection::on_connect_failed(error_handler h) { impl_->on_connect_failed = std::move(h); }
void connection::start() { impl_->start(); }
void connection::stop() { impl_->stop(); }
bool connection::connected() const noexcept { return impl_ && impl_->connected(); }

errc connection::check(const command& cmd) {
  if (cmd.empty()) return errc::bad_command;
  // These would break first-in first-out reply matching (pub/sub, MONITOR, CLIENT REPLY,
  // RESP3), change state every caller shares (SELECT, RESET, AUTH state) or capture other
  // callers' commands (MULTI/WATCH on a pipelined connection): use eval_script for
  // atomicity and redis::subscriber for pub/sub.
  static constexpr std::array<std::string_view, 18> refused = {
      "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE",
      "MONITOR",   "SYNC",       "PSYNC",      "RESET",       "QUIT",         "HELLO",
      "SELECT",    "MULTI",      "EXEC",       "DISCARD",     "WATCH",        "UNWATCH"};
  const std::string& name = cmd[0];
  for (std::string_view r : refused) {
    if (iequals(name, r)) return errc::bad_command;
  }
  if (iequals(name, "CLIENT") && cmd.size() > 1 && iequals(cmd[1], "REPLY")) {
    return errc::bad_command;
  }
  return errc::ok;
}

std::uint64_t connection::next_id(impl& self) {
  return self.next_id.fetch_add(1, std::memory_order_relaxed);
}

void connection::submit(const std::shared_ptr<impl>& self, std::uint64_t id, std::string payload,
                        errc precheck, std::unique_ptr<completion_type> done) {
  // Always through post: an operation never completes inside its initiating call.
  asio::post(self->strand(), [self, id, payload = std::move(payload), precheck,
                              done = std::move(done)]() mutable {
    self->submit_user(id, std::move(payload), precheck, std::move(done));
  });
}

void connection::submit_eval(const std::shared_ptr<impl>& self, std::uint64_t id,
                             std::string script, std::vector<std::string> tail,
                             std::unique_ptr<completion_type> done) {
  asio::post(self->strand(), [self, id, script = std::move(script), tail = std::move(tail),
                              done = std::move(done)]() mutable {
    self->submit_eval(id, script, tail, std::move(done));
  });
}

void connection::cancel(const std::weak_ptr<impl>& self, std::uint64_t id) {
  if (auto s = self.lock()) {
    asio::post(s->strand(), [s, id] { s->cancel(id); });
  }
}

}  // namespace seatd::redis
