#pragma once
// The outbox's delivery loop: the e-mails bookings and cancellations wrote to the outbox in
// their own transaction (store::create_booking, store::cancel_booking) leave here.
//
//   wake (every poll_interval, or at once when poke()d after a booking or a cancellation
//   commits) -> claim due rows with a lease (store::claim_outbox, on the database worker pool)
//   -> for each: read its booking, build the message and send it (on the mail lane, a small
//   pool of its own: a slow SMTP server never takes a database or hashing thread) -> mark it
//   sent, or failed with a retry time from domain/delivery_policy (exponential backoff, full
//   jitter; given up after max_attempts, or at once on a permanent error such as a 5xx).
//
// Bounded: at most max_in_flight messages of this instance are being delivered at once; the
// claim asks for no more than the room left. Several instances share the outbox safely: a
// claimed row is leased to its claimer (owner = this instance's id), nobody else claims it
// until the lease runs out, and marking it needs the lease still held. A crash mid-send leaves
// the lease to run out: the row is claimed again and sent once more, with the same Message-ID
// (service/ticket_documents).
//
// Threads: everything the loop owns lives on one strand of the I/O executor; the blocking
// calls go to the pools. poke() is cheap and safe from any thread. Time comes from the
// injected clock.
//
// Lifetime: start() once; stop() ends the claims and waits, up to a deadline, for the messages
// in flight (the I/O threads and both pools must still run meanwhile); a delivery that misses
// the deadline is abandoned to its lease. Destroy only after stop() returned true or the
// executor has stopped for good (application does the latter: the object outlives its
// io_context's run).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>

#include "domain/clock.hpp"
#include "domain/delivery_policy.hpp"
#include "domain/model.hpp"
#include "exec/task_group.hpp"
#include "exec/worker_pool.hpp"
#include "service/ticket_documents.hpp"
#include "store/store.hpp"
#include "ticket/mail_sender.hpp"

namespace seatd::service {

struct outbox_delivery_options {
  std::string owner;  // this instance's id, unique among the instances (and across restarts)
  std::chrono::milliseconds poll_interval{std::chrono::seconds(1)};
  std::chrono::milliseconds lease{std::chrono::seconds(60)};  // longer than any one send
  int max_in_flight = 8;
  delivery_policy policy;
};

class outbox_delivery {
 public:
  // A uniform draw in [0, 1) for the jitter; empty: a Mersenne twister seeded at random.
  using random_source = std::function<double()>;

  struct counters {
    std::uint64_t passes = 0;      // claims asked of the store (answered)
    std::uint64_t claimed = 0;     // messages they returned
    std::uint64_t sent = 0;
    std::uint64_t retried = 0;     // failed, to be tried again
    std::uint64_t given_up = 0;    // failed for good
    std::uint64_t lease_lost = 0;  // finished after another instance took the row over
  };

  // mail_lane: the pool send() runs on; its queue must take max_in_flight jobs. Every
  // reference must outlive this object.
  outbox_delivery(boost::asio::any_io_executor ex, store& db, worker_pool& db_pool,
                  worker_pool& mail_lane, const ticket_documents& documents,
                  const tickets::mail_sender& sender, const clock& clk,
                  outbox_delivery_options options, random_source random = {});
  outbox_delivery(const outbox_delivery&) = delete;
  outbox_delivery& operator=(const outbox_delivery&) = delete;

  // Starts the loop; its first claim is immediate (rows left by an earlier run are due).
  void start();
  // Something was written to the outbox: claim now rather than at the next tick. Coalesced (a
  // burst of pokes costs one wake-up), never blocks; ignored once stopping.
  void poke() noexcept;
  // No new claims from now; waits for the deliveries in flight until `deadline`. True when
  // every one ended in time.
  bool stop(std::chrono::steady_clock::time_point deadline);

  counters stats() const noexcept;

 private:
  boost::asio::awaitable<void> loop();
  boost::asio::awaitable<void> claim_some();
  boost::asio::awaitable<void> deliver(outbox_message m);
  boost::asio::awaitable<std::optional<tickets::send_error>> attempt(const outbox_message& m);
  // On the mail lane: builds the message (the documents' mail_for or mail_for_offer) and sends it.
  std::optional<tickets::send_error> build_and_send(
      const std::function<result<tickets::outgoing_mail>()>& build) const;
  boost::asio::awaitable<void> record(const outbox_message& m,
                                      const std::optional<tickets::send_error>& failure);
  void wake();  // on the strand

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  store& db_;
  worker_pool& db_pool_;
  worker_pool& mail_lane_;
  const ticket_documents& documents_;
  const tickets::mail_sender& sender_;
  const clock& clock_;
  outbox_delivery_options options_;
  random_source random_;
  std::mt19937_64 rng_;

  // On the strand only.
  boost::asio::steady_timer timer_;
  int in_flight_ = 0;
  bool poked_ = true;  // the first pass claims at once
  bool want_more_ = false;  // the last claim filled all the room: more may be due
  bool stopping_ = false;
  bool db_trouble_logged_ = false;

  std::atomic<bool> poke_queued_{false};
  std::atomic<bool> stop_requested_{false};
  std::atomic<std::uint64_t> passes_{0}, claimed_{0}, sent_{0}, retried_{0}, given_up_{0}, lease_lost_{0};
  exec::task_group tasks_;  // the loop and each delivery
};

}  // namespace seatd::service
