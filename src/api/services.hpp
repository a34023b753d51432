#pragma once
// Everything a handler may use, owned by the application and borrowed by the routes.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

#include "api/readiness.hpp"
#include "api/shared_login_failures.hpp"
#include "exec/worker_pool.hpp"
#include "auth/password.hpp"
#include "auth/jwt_codec.hpp"
#include "auth/revocation_list.hpp"
#include "auth/token_verifier.hpp"
#include "domain/clock.hpp"
#include "domain/inflight_limiter.hpp"
#include "domain/login_throttle.hpp"
#include "domain/rate_limiter.hpp"
#include "holds/hold_engine.hpp"
#include "realtime/trip_catalog.hpp"
#include "service/booking_service.hpp"
#include "service/ticket_documents.hpp"
#include "service/waitlist_service.hpp"
#include "store/store.hpp"
#include "ticket/boarding_code.hpp"

namespace seatd::api {

struct settings {
  std::chrono::minutes token_lifetime{60};
  auth::hash_cost hash_cost = auth::interactive_cost();
  // Holds and bookings close this long before departure (cancellations at departure).
  std::chrono::minutes booking_cutoff{0};
  // The ladies' seat rule: enforced at booking and shown as "for_women" on the seat list.
  bool ladies_seat_rule = true;
};

struct services {
  settings cfg;
  store& db;
  worker_pool& pool;
  const auth::jwt_codec& jwt;
  auth::revocation_list& revoked;
  auth::token_verifier& tokens;  // bearer checks: jwt + revoked, with a cache of good tokens
  login_throttle& throttle;          // login attempts per (client, account): hard limit
  login_throttle& address_throttle;  // login attempts per client: progressive delays
  const clock& clk;
  hold_engine& holds;
  realtime::trip_catalog& catalog;
  service::booking_service& bookings;  // the booking sequence: pin, write, unpin
  // Tells the other instances of a logout (already in the database and in `revoked`); empty
  // when this instance runs alone.
  std::function<void(std::string_view jti, std::int64_t exp)> announce_revocation{};
  // Failed-login counts shared with the other instances; null when this instance runs alone.
  shared_login_failures* shared_failures = nullptr;
  // Password hashing's own bounded lane (null: the worker pool), so a flood of logins never
  // queues in front of database work; and signups per client (null: unlimited).
  worker_pool* hashing = nullptr;
  login_throttle* signup_throttle = nullptr;
  // Hashes one client may have on the lane at once (null: no share), so one address cannot
  // fill the lane's queue and make every other login wait behind it.
  inflight_limiter* hash_share = nullptr;
  // Seat-hold requests per client address (per instance); null: no limit.
  rate_limiter* hold_rate = nullptr;
  // Signs and checks the boarding passes' QR codes (null: check-in by booking number only).
  const tickets::boarding_codec* boarding = nullptr;
  // Boarding passes and e-mails from tickets (null: no GET /bookings/{n}/ticket.pdf).
  const service::ticket_documents* documents = nullptr;
  // Renders boarding passes for downloads (null: the worker pool), bounded on its own.
  worker_pool* rendering = nullptr;
  // Wakes the e-mail delivery loop: a message was just written to the outbox (empty: the
  // loop finds it on its next poll).
  std::function<void()> mail_due{};
  // Answers GET /readyz (null: always ready).
  readiness* ready = nullptr;
  // The waiting lists of sold-out trips (null: the routes answer 503).
  service::waitlist_service* waitlist = nullptr;
};

}  // namespace seatd::api
