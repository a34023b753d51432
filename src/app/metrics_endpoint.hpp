#pragma once
// GET /metrics: the registry's text exposition, for Prometheus.
//
// Who may read it: the exposition tells how busy seatd is, its version and its internals, so on
// the public port only peers in SEATD_METRICS_ALLOW (CIDRs, loopback by default) get it,
// judged by the socket's peer address, never by X-Forwarded-For; and a relayed request (one
// carrying X-Forwarded-For or Forwarded) is refused whatever its peer, since a local proxy's
// address says nothing about who asked through it. Others get 403. With a separate listener
// (SEATD_METRICS_LISTEN) the public port has no /metrics at all and the metrics port answers
// whoever reaches it: bind it to an address only the monitoring network can reach.
//
// The exposition is made on a lane of its own (one thread, a short queue): reading /proc and
// counting the outbox must not run on an I/O thread, and scrapes must not wait behind
// database work or take its place when the server is busy.
#include <optional>

#include "exec/worker_pool.hpp"
#include "metrics/registry.hpp"
#include "net/client_address.hpp"
#include "net/router.hpp"

namespace seatd {

// allowed: who may read it (nullopt: anyone who reaches the listener).
void add_metrics_route(net::router& routes, const metrics::registry& registry, worker_pool& lane,
                       std::optional<net::trusted_proxies> allowed);

}  // namespace seatd
