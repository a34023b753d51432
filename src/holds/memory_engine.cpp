#include "holds/memory_engine.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

#include "util/random_secret.hpp"

namespace seatd {

namespace asio = boost::asio;

memory_engine::memory_engine(asio::any_io_executor ex, const clock& clk, hold_policy policy,
                             event_sink sink, metrics::histogram* expiry_lag)
    : clock_(clk),
      sink_(std::move(sink)),
      epoch_(random_secret(8)),
      life_(std::make_shared<lifeline>()),
      book_(policy),
      strand_(asio::make_strand(ex)),
      timer_(std::make_shared<asio::steady_timer>(strand_)),
      expiry_lag_(expiry_lag) {
  life_->owner = this;
}

memory_engine::~memory_engine() {
  // Waits for a timer handler already running; later ones find no owner.
  std::lock_guard lock(life_->mutex);
  life_->owner = nullptr;
  stopped_ = true;
  asio::post(strand_, [timer = timer_] { timer->cancel(); });
}

void memory_engine::start() {}

void memory_engine::stop() {
  std::lock_guard lock(life_->mutex);
  stopped_ = true;
  asio::post(strand_, [timer = timer_] { timer->cancel(); });
}

template <class F>
auto memory_engine::locked(F&& f) {
  std::vector<seat_event> events;
  std::lock_guard lock(life_->mutex);
  auto now = clock_.now();
  auto before = book_.next_deadline();
  auto out = f(book_, now, events);
  for (const auto& e : events) sink_(e);
  auto after = book_.next_deadline();
  if (after && after != before) arm(after);
  return out;
}

void memory_engine::arm(std::optional<sys_ms> deadline) {
  // Under life_->mutex. Only an earlier deadline moves the timer; a later one is picked up when the
  // timer fires and re-arms for whatever is then the earliest.
  if (stopped_ || !deadline || (armed_ && *armed_ <= *deadline)) return;
  armed_ = deadline;
  auto wait = *deadline - clock_.now();
  auto when = std::chrono::steady_clock::now() +
              std::max(std::chrono::milliseconds(0),
                       std::chrono::duration_cast<std::chrono::milliseconds>(wait));
  asio::post(strand_, [life = std::weak_ptr<lifeline>(life_), timer = timer_, when] {
    timer->expires_at(when);
    timer->async_wait([life](boost::system::error_code ec) {
      if (ec) return;
      auto l = life.lock();
      if (!l) return;
      std::lock_guard lock(l->mutex);
      if (l->owner) l->owner->on_timer();
    });
  });
}

void memory_engine::on_timer() {
  // Under life_->mutex (taken by the timer handler).
  std::vector<seat_event> events;
  if (stopped_) return;
  const auto now = clock_.now();
  if (expiry_lag_ && armed_)
    expiry_lag_->observe(std::max(0.0, std::chrono::duration<double>(now - *armed_).count()));
  book_.expire_due(now, events);
  for (const auto& e : events) sink_(e);
  armed_.reset();
  arm(book_.next_deadline());
}

asio::awaitable<result<hold>> memory_engine::take(row_id trip, int seat, row_id user) {
  co_return locked([&](hold_book& b, sys_ms now, std::vector<seat_event>& ev) {
    return b.take(trip, seat, user, now, ev);
  });
}

asio::awaitable<result<bool>> memory_engine::release(row_id trip, int seat, row_id user) {
  co_return result<bool>(locked([&](hold_book& b, sys_ms now, std::vector<seat_event>& ev) {
    return b.release(trip, seat, user, now, ev);
  }));
}

group_outcome memory_engine::take_seats(row_id trip, std::vector<int> seats, row_id user,
                                        bool offer) {
  group_outcome out;
  auto wanted = group_seats(std::move(seats));
  if (!wanted) {
    out.code = wanted.error();
    return out;
  }
  // hold_book::take_group (take_offer) is the whole rule, all or nothing, under the one lock.
  auto held = locked([&](hold_book& b, sys_ms now, std::vector<seat_event>& ev) {
    return offer ? b.take_offer(trip, *wanted, user, now, &out.seat, ev)
                 : b.take_group(trip, *wanted, user, now, &out.seat, ev);
  });
  if (!held) {
    out.code = held.error();
    return out;
  }
  out.seat = 0;
  out.holds = std::move(*held);
  return out;
}

asio::awaitable<group_outcome> memory_engine::take_group(row_id trip, std::vector<int> seats,
                                                         row_id user) {
  co_return take_seats(trip, std::move(seats), user, false);
}

asio::awaitable<group_outcome> memory_engine::take_offer(row_id trip, std::vector<int> seats,
                                                         row_id user) {
  co_return take_seats(trip, std::move(seats), user, true);
}

asio::awaitable<result<std::vector<hold>>> memory_engine::extend(row_id trip, row_id user) {
  co_return locked([&](hold_book& b, sys_ms now, std::vector<seat_event>& ev) {
    return b.extend(trip, user, now, ev);
  });
}

asio::awaitable<result<std::vector<int>>> memory_engine::release_all(row_id trip, row_id user) {
  co_return locked([&](hold_book& b, sys_ms now, std::vector<seat_event>& ev) {
    return b.release_all(trip, user, now, ev);
  });
}

asio::awaitable<pin_outcome> memory_engine::pin(row_id trip, std::vector<int> seats, row_id user) {
  pin_outcome out;
  out.code = locked([&](hold_book& b, sys_ms now, std::vector<seat_event>& ev) {
    return b.pin(trip, seats, user, now, &out.seat, ev);
  });
  co_return out;
}

asio::awaitable<void> memory_engine::unpin(row_id trip, std::vector<int> seats, row_id user,
                                           bool booked) {
  locked([&](hold_book& b, sys_ms now, std::vector<seat_event>& ev) {
    b.unpin(trip, seats, user, booked, now, ev);
    return 0;
  });
  co_return;
}

asio::awaitable<void> memory_engine::announce_freed(row_id trip, std::vector<int> seats) {
  locked([&](hold_book& b, sys_ms, std::vector<seat_event>& ev) {
    b.announce_freed(trip, seats, ev);
    return 0;
  });
  co_return;
}

asio::awaitable<result<hold_snapshot>> memory_engine::snapshot(row_id trip) {
  co_return locked([&](hold_book& b, sys_ms now, std::vector<seat_event>& ev) {
    return b.snapshot(trip, now, ev);
  });
}

asio::awaitable<result<std::vector<std::size_t>>> memory_engine::held_counts(
    std::vector<row_id> trips) {
  co_return locked([&](hold_book& b, sys_ms now, std::vector<seat_event>& ev) {
    std::vector<std::size_t> out;
    out.reserve(trips.size());
    for (auto t : trips) out.push_back(b.held_count(t, now, ev));
    return out;
  });
}

std::size_t memory_engine::size() {
  std::lock_guard lock(life_->mutex);
  return book_.size();
}

}  // namespace seatd
