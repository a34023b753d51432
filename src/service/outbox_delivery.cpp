#include "service/outbox_delivery.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <exception>

#include "ticket/errc.hpp"

namespace seatd::service {

namespace asio = boost::asio;

namespace {

tickets::send_error error_of(tickets::errc code, std::string detail) {
  return {make_error_code(code), std::move(detail)};
}

std::string seconds_text(std::chrono::milliseconds d) {
  return fmt::format("{:.1f} s", double(d.count()) / 1000.0);
}

}  // namespace

outbox_delivery::outbox_delivery(asio::any_io_executor ex, store& db, worker_pool& db_pool,
                                 worker_pool& mail_lane, const ticket_documents& documents,
                                 const tickets::mail_sender& sender, const clock& clk,
                                 outbox_delivery_options options, random_source random)
    : strand_(asio::make_strand(ex)),
      db_(db),
      db_pool_(db_pool),
      mail_lane_(mail_lane),
      documents_(documents),
      sender_(sender),
      clock_(clk),
      options_(std::move(options)),
      random_(std::move(random)),
      rng_(std::random_device{}()),
      timer_(strand_) {
  if (options_.max_in_flight < 1) options_.max_in_flight = 1;
  if (!random_)
    random_ = [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); };
}

void outbox_delivery::start() { tasks_.spawn(strand_, loop(), "outbox delivery loop"); }

void outbox_delivery::poke() noexcept {
  if (stop_requested_.load(std::memory_order_relaxed)) return;
  if (poke_queued_.exchange(true)) return;  // one wake-up already on its way
  try {
    asio::post(strand_, [this] {
      poke_queued_ = false;
      wake();
    });
  } catch (...) {
    poke_queued_ = false;  // the next tick claims anyway
  }
}

void outbox_delivery::wake() {
  if (stopping_) return;
  poked_ = true;
  timer_.cancel();
}

bool outbox_delivery::stop(std::chrono::steady_clock::time_point deadline) {
  if (!stop_requested_.exchange(true))
    asio::post(strand_, [this] {
      stopping_ = true;
      timer_.cancel();
    });
  return tasks_.wait(deadline);
}

outbox_delivery::counters outbox_delivery::stats() const noexcept {
  return {passes_.load(), claimed_.load(), sent_.load(), retried_.load(), given_up_.load(), lease_lost_.load()};
}

asio::awaitable<void> outbox_delivery::loop() {
  while (!stopping_) {
    if (!poked_) {
      timer_.expires_after(options_.poll_interval);
      boost::system::error_code ec;  // operation_aborted: poked or stopping
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    poked_ = false;
    if (stopping_) break;
    co_await claim_some();
  }
}

asio::awaitable<void> outbox_delivery::claim_some() {
  const int room = options_.max_in_flight - in_flight_;
  if (room <= 0) co_return;  // a delivery that ends wakes the loop
  std::vector<outbox_message> claimed;
  try {
    claimed = co_await db_pool_.run([this, room] {
      return db_.claim_outbox(options_.owner, clock_.now(), options_.lease, room);
    });
    if (db_trouble_logged_) spdlog::info("outbox: the database answers again");
    db_trouble_logged_ = false;
  } catch (const std::exception& e) {
    // The database is away or the pool is full: the next tick tries again. Said once.
    if (!db_trouble_logged_) spdlog::warn("outbox: cannot claim messages: {}", e.what());
    db_trouble_logged_ = true;
    co_return;
  }
  want_more_ = int(claimed.size()) == room;
  claimed_ += claimed.size();
  ++passes_;
  for (auto& m : claimed) {
    ++in_flight_;
    tasks_.spawn(strand_, deliver(std::move(m)), "outbox delivery");
  }
}

asio::awaitable<void> outbox_delivery::deliver(outbox_message m) {
  std::optional<tickets::send_error> failure;
  try {
    failure = co_await attempt(m);
  } catch (const std::exception& e) {
    // The database or a pool failed before or instead of the send: nothing left this instance
    // (or we cannot know), so a retry is right.
    failure = error_of(tickets::errc::mail_retryable, std::string("delivery failed: ") + e.what());
  }
  try {
    co_await record(m, failure);
  } catch (const std::exception& e) {
    spdlog::error("outbox: message {}: {}", m.id, e.what());
  }
  --in_flight_;
  if (want_more_) wake();
}

asio::awaitable<std::optional<tickets::send_error>> outbox_delivery::attempt(
    const outbox_message& m) {
  if (m.kind == mail_kind::waitlist_offer) {
    auto offer = co_await db_pool_.run(
        [this, &m] { return db_.waitlist_offer_details(m.waitlist_id); });
    if (!offer)
      co_return error_of(tickets::errc::mail_invalid,
                         "waiting-list entry " + std::to_string(m.waitlist_id) + " not found");
    // The offer was answered, left or ran out before its e-mail could go: telling the
    // traveller of seats no longer held for them would be wrong.
    if (offer->entry.status != waitlist_status::offered)
      co_return error_of(tickets::errc::mail_permanent,
                         std::string("not sent: the offer is ") + to_string(offer->entry.status) +
                             " already");
    if (offer->entry.offer_expires_at && *offer->entry.offer_expires_at <= clock_.now())
      co_return error_of(tickets::errc::mail_permanent,
                         "not sent: the offer ran out before its e-mail could go");
    co_return co_await mail_lane_.run(
        [this, &m, &offer] { return build_and_send([&] { return documents_.mail_for_offer(m, *offer); }); });
  }
  auto booking =
      co_await db_pool_.run([this, &m] { return db_.find_ticket(m.booking_number); });
  if (!booking)
    co_return error_of(tickets::errc::mail_invalid, "booking " + m.booking_number + " not found");
  // Its booking was cancelled before the confirmation went out (the mail server was down, or
  // the traveller was quick): a "your booking is confirmed" now would be wrong, and the
  // cancellation message follows anyway. Failed for good, with the reason for the admin.
  if (m.kind == mail_kind::booking_confirmation && booking->status == booking_status::cancelled)
    co_return error_of(tickets::errc::mail_permanent,
                       "not sent: the booking was cancelled before its confirmation went out");
  co_return co_await mail_lane_.run(
      [this, &m, &booking] { return build_and_send([&] { return documents_.mail_for(m, *booking); }); });
}

std::optional<tickets::send_error> outbox_delivery::build_and_send(
    const std::function<result<tickets::outgoing_mail>()>& build) const {
  try {
    auto mail = build();
    if (!mail)
      return error_of(tickets::errc::mail_invalid,
                      "cannot build the message: " + mail.error().message());
    auto sent = sender_.send(*mail);
    if (sent) return std::nullopt;
    return sent.error();
  } catch (const std::exception& e) {
    return error_of(tickets::errc::mail_retryable, std::string("send failed: ") + e.what());
  }
}

asio::awaitable<void> outbox_delivery::record(const outbox_message& m,
                                              const std::optional<tickets::send_error>& failure) {
  const sys_ms now = clock_.now();
  std::optional<sys_ms> retry;
  std::string detail;
  if (failure) {
    retry = retry_at(options_.policy, m.attempts, failure->retryable(), now, random_());
    detail = failure->code.message() + ": " + failure->detail;
  }
  // The mark is tried a few times: a message sent but left unmarked is sent again when its
  // lease runs out (a duplicate), which is worth a short wait to avoid.
  bool held = false;
  for (int tries = 1;; ++tries) {
    std::string trouble;
    try {
      if (!failure)
        held = co_await db_pool_.run(
            [this, &m, now] { return db_.outbox_sent(m.id, options_.owner, now); });
      else
        held = co_await db_pool_.run([this, &m, &detail, &retry] {
          return db_.outbox_failed(m.id, options_.owner, detail, retry);
        });
      break;
    } catch (const std::exception& e) {
      trouble = e.what();
    }
    if (tries >= 5 || stopping_) {
      spdlog::warn("outbox: message {} ({}): cannot record the outcome ({}); its lease will "
                   "run out and it will be tried again",
                   m.id, m.booking_number, trouble);
      co_return;
    }
    asio::steady_timer pause(strand_, std::chrono::milliseconds(200 * tries));
    boost::system::error_code ec;
    co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (!held) {
    ++lease_lost_;
    spdlog::warn("outbox: message {} ({}): the lease ran out before the outcome was recorded; "
                 "the instance that took it over records it",
                 m.id, m.booking_number);
  }
  if (!failure) {
    ++sent_;
    spdlog::debug("outbox: message {} ({} for {}) sent", m.id, to_string(m.kind),
                  m.booking_number);
  } else if (retry) {
    ++retried_;
    spdlog::warn("outbox: message {} ({} for {}) attempt {} failed, retry in {}: {}", m.id,
                 to_string(m.kind), m.booking_number, m.attempts,
                 seconds_text(std::chrono::duration_cast<std::chrono::milliseconds>(*retry - now)),
                 detail);
  } else {
    ++given_up_;
    spdlog::error("outbox: message {} ({} for {}) failed for good after {} attempt(s): {}", m.id,
                  to_string(m.kind), m.booking_number, m.attempts, detail);
  }
}

}  // namespace seatd::service
