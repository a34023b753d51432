#include "redis/subscriber.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <deque>
#include <set>
#include <stdexcept>

#include "redis/endpoint.hpp"
#include "redis/reply.hpp"
#include "redis/transport.hpp"

namespace seatd::redis {

namespace asio = boost::asio;
using boost::system::error_code;

// RESP2 pub/sub: each (P)(UN)SUBSCRIBE is confirmed by one ["subscribe", name, count] array
// per name, in order; PING answers ["pong", ""] while subscribed and +PONG otherwise; an
// error answers a whole command. Messages ("message"/"pmessage" arrays) interleave freely.
// So `expected_` holds, in send order, how many confirmations of which kind each request
// still awaits.
class subscriber::impl final : public detail::transport {
 public:
  impl(asio::any_io_executor strand, config cfg, endpoint ep)
      : transport(std::move(strand), std::move(cfg), std::move(ep)) {}

  message_handler on_message;

  void request(op o, std::vector<std::string> names, std::unique_ptr<completion_type> done) {
    if (current_phase() == phase::stopped) return done->complete(error_code(errc::stopped));
    if (names.empty()) return done->complete(result<void>());
    if (link_up() && expected_.size() >= cfg().max_pending) {
      return done->complete(error_code(errc::overloaded));
    }
    const bool adding = o == op::subscribe || o == op::psubscribe;
    auto& set = (o == op::subscribe || o == op::unsubscribe) ? channels_ : patterns_;
    for (auto& n : names) {
      if (adding) {
        set.insert(n);
      } else {
        set.erase(n);
      }
    }
    if (!link_up()) {
      return done->complete(adding ? result<void>(error_code(errc::unavailable))
                                   : result<void>());
    }
    expect(o, names, std::move(done), false);
  }

 private:
  enum class kind { subscribe, psubscribe, unsubscribe, punsubscribe, ping };
  struct expectation {
    kind what;
    std::size_t remaining;
    clock::time_point deadline;
    std::unique_ptr<completion_type> done;  // null for internal requests
    bool resync = false;       // part of the resubscription after a (re)connect
    bool completes_resync = false;
  };

  static kind kind_of(op o) {
    switch (o) {
      case op::subscribe: return kind::subscribe;
      case op::psubscribe: return kind::psubscribe;
      case op::unsubscribe: return kind::unsubscribe;
      case op::punsubscribe: return kind::punsubscribe;
    }
    return kind::ping;
  }

  static std::string_view verb(kind k) {
    switch (k) {
      case kind::subscribe: return "SUBSCRIBE";
      case kind::psubscribe: return "PSUBSCRIBE";
      case kind::unsubscribe: return "UNSUBSCRIBE";
      case kind::punsubscribe: return "PUNSUBSCRIBE";
      case kind::ping: return "PING";
    }
    return "";
  }

  template <class Names>
  void expect(op o, const Names& names, std::unique_ptr<completion_type> done, bool resync) {
    const kind k = kind_of(o);
    command cmd;
    cmd.push(verb(k));
    cmd.push_range(names);
    push_expectation({k, names.size(), {}, std::move(done), resync, false});
    send(cmd.encode());
  }

  void push_expectation(expectation e) {
    e.deadline = clock::now() + cfg().command_timeout;
    const bool was_empty = expected_.empty();
    expected_.push_back(std::move(e));
    if (was_empty) deadline_added();
  }

  void on_link_up() override {
    if (channels_.empty() && patterns_.empty()) {
      mark_ready();
      return;
    }
    if (!channels_.empty()) expect(op::subscribe, channels_, nullptr, true);
    if (!patterns_.empty()) expect(op::psubscribe, patterns_, nullptr, true);
    expected_.back().completes_resync = true;
  }

  void on_reply(reply r) override {
    if (r.is_array() && r.size() >= 2 && r[0].is_string()) {
      auto& e = r.elements();
      const std::string& k = e[0].str();
      if (k == "message" && e.size() == 3 && e[1].is_string() && e[2].is_string()) {
        if (channels_.contains(e[1].str())) {
          deliver(message{e[1].take_str(), {}, e[2].take_str()});
        }
        return;
      }
      if (k == "pmessage" && e.size() == 4 && e[1].is_string() && e[2].is_string() &&
          e[3].is_string()) {
        if (patterns_.contains(e[1].str())) {
          deliver(message{e[2].take_str(), e[1].take_str(), e[3].take_str()});
        }
        return;
      }
      if (k == "pong") return confirm(kind::ping);
      if (r.size() == 3) {
        if (k == "subscribe") return confirm(kind::subscribe);
        if (k == "psubscribe") return confirm(kind::psubscribe);
        if (k == "unsubscribe") return confirm(kind::unsubscribe);
        if (k == "punsubscribe") return confirm(kind::punsubscribe);
      }
    }
    if (r.is_status() && r.str() == "PONG") return confirm(kind::ping);
    if (r.is_error() && !expected_.empty()) {
      expectation e = std::move(expected_.front());
      expected_.pop_front();
      if (e.done) e.done->complete(error_code(errc::server_error));
      if (e.resync) fail_link(errc::server_error, std::string(verb(e.what)) + ": " + r.str());
      return;
    }
    fail_link(errc::protocol, "unexpected reply in subscribe mode: " + r.debug_string());
  }

  void confirm(kind k) {
    if (expected_.empty() || expected_.front().what != k) {
      fail_link(errc::protocol, "unexpected " + std::string(verb(k)) + " confirmation");
      return;
    }
    auto& front = expected_.front();
    if (--front.remaining > 0) return;
    expectation e = std::move(front);
    expected_.pop_front();
    if (e.done) e.done->complete(result<void>());
    if (e.completes_resync) mark_ready();
  }

  void deliver(const message& m) { gate().invoke(on_message, m); }

  std::optional<clock::time_point> next_deadline() const override {
    if (expected_.empty()) return std::nullopt;
    return expected_.front().deadline;
  }

  void on_deadline_passed() override {
    if (expected_.empty()) return;
    expectation e = std::move(expected_.front());
    expected_.pop_front();
    if (e.done) e.done->complete(error_code(errc::timeout));
  }

  bool idle() const override { return expected_.empty(); }

  void send_health_check() override {
    push_expectation({kind::ping, 1, {}, nullptr, false, false});
    send(command{"PING"}.encode());
  }

  void on_link_down(const error_code& ec) override {
    auto failed = std::move(expected_);
    expected_.clear();
    for (auto& e : failed) {
      if (e.done) e.done->complete(ec);
    }
  }

  std::set<std::string> channels_;
  std::set<std::string> patterns_;
  std::deque<expectation> expected_;
};

subscriber::subscriber(asio::any_io_executor executor, config cfg)
    : executor_(asio::make_strand(executor)) {
  auto ep = parse_url(cfg.url);
  if (!ep) {
    throw std::invalid_argument(
        "invalid Redis URL (expected redis://[[user]:password@]host[:port][/db])");
  }
  impl_ = std::make_shared<impl>(executor_, std::move(cfg), std::move(*ep));
}

subscriber::~subscriber() {
  if (impl_) impl_->stop();
}

subscriber::subscriber(subscriber&&) noexcept = default;

subscriber& subscriber::operator=(subscriber&& other) noexcept {
  if (this != &other) {
    if (impl_) impl_->stop();
    impl_ = std::move(other.impl_);
    executor_ = std::move(other.executor_);
  }
  return *this;
}

void subscriber::on_message(message_handler h) { impl_->on_message = std::move(h); }
void subscriber::on_connected(connected_handler h) { impl_->on_connected = std::move(h); }
void subscriber::on_disconnected(error_handler h) { impl_->on_disconnected = std::move(h); }
void subscriber::on_connect_failed(error_handler h) { impl_->on_connect_failed = std::move(h); }
void subscriber::start() { impl_->start(); }
void subscriber::stop() { impl_->stop(); }
bool subscriber::connected() const noexcept { return impl_ && impl_->connected(); }

void subscriber::submit(const std::shared_ptr<impl>& self, op kind,
                        std::vector<std::string> names, std::unique_ptr<completion_type> done) {
  asio::post(self->strand(), [self, kind, names = std::move(names),
                              done = std::move(done)]() mutable {
    self->request(kind, std::move(names), std::move(done));
  });
}

}  // namespace seatd::redis
