#pragma once
// seatd-bench scenarios. Each sets up what it needs through the public API, runs for a bounded
// time, and returns a report (printed as a table and one JSON line).
#include <sys/types.h>

#include <string>
#include <vector>

#include "client.hpp"
#include "stats.hpp"

namespace bench {

struct common_options {
  std::string host = "127.0.0.1";
  std::vector<unsigned short> ports;  // one per seatd instance
  int threads = 2;                    // client threads, each with its own io_context
  std::string json_out;               // also append the JSON line here
  std::string engine = "memory";      // label for the report: memory, redis
  std::string tag;                    // free label for the report (e.g. "sweep")
  int first_trip = 1;                 // trips used are first_trip, first_trip + 1, ...
  std::vector<int> server_pids;       // for CPU and RSS figures (default: found from the ports)
  setup_options setup;
  target tgt;                         // filled from host and ports
};

struct holds_options {
  int clients = 50;
  double duration = 10;
  int viewers = 0;
  double rate = 0;       // requests per second, all clients together (0: as fast as answered)
  int group = 0;         // 0: lock-seat/unlock-seat of one seat; N: POST /bookings/holds of N
                         // seats together, then DELETE /bookings/holds/{trip} (issue 16)
};

struct fanout_options {
  int viewers = 1000;
  int trips = 1;
  double rate = 20;      // seat events per second, all trips together
  double duration = 10;
  int seats = 4;         // the driver alternates lock/unlock over this many seats per trip
  std::int64_t start_at_ms = 0;  // wall-clock ms since the epoch to start the driver at (0: at once)
};

struct expiry_options {
  int holds = 1000;
  double window = 5;     // seconds over which holds are created (deadlines spread as much)
  int users = 50;
  int viewers_per_trip = 1;
  double grace = 5;      // wait this long past the last deadline for missing broadcasts
};

struct connections_options {
  int count = 1000;
  int in_flight = 200;   // handshakes in flight
  int trips = 1;
  double idle = 2;       // seconds to hold the idle connections before the second RSS sample
};

struct contention_options {
  int users = 20;
  int rounds = 20;
  double round_ms = 100; // rounds start this far apart
};

struct bookings_options {
  int clients = 20;
  double duration = 10;
  int max_bookings = 20'000;  // free seats gathered (trips added when needed) before the start
  bool spread = true;         // consecutive bookings on different trips (else one trip at a time)
};

struct reads_options {
  int clients = 10;
  double duration = 5;
  std::vector<std::string> paths;  // GET in turn; /admin/ paths as the admin
};

// Honest traffic (reads and bookings, each client paced) measured quiet, then beside a flood
// (wrong logins, signups, oversized anonymous bodies, idle connections), then after it.
struct abuse_options {
  int readers = 4;            // honest clients: GET /trips/{id} and /trips/search in turn
  int bookers = 4;            // honest clients: lock + book a free seat
  double interval_ms = 100;   // each honest client starts a request this often
  double quiet = 10;          // seconds of honest traffic alone
  double flood = 20;          // seconds of honest traffic beside the flood
  double after = 5;           // seconds of honest traffic after the flood
  int logins = 150;           // connections sending wrong logins (many e-mails)
  int login_accounts = 16;    // real accounts the wrong logins aim at (besides unknown e-mails)
  int signups = 20;           // connections signing up new accounts
  int bodies = 16;            // connections sending oversized anonymous bodies
  int body_mib = 8;           // size of each such body
  int idle = 2000;            // connections that never send a byte
  int flood_sources = 1;      // loopback addresses the flood comes from (127.0.1.1 ...); honest
                              // clients each have their own (127.0.0.2 ...)
  double p99_ratio_limit = 5; // the verdict: honest p99 under the flood within this many times quiet
  double rss_limit_mib = 256; // ... and the server's RSS within this much of its value before
  bool strict = false;        // a verdict of "no" fails the run
};

// Bounded hours-long life in minutes: weekly schedules imported, trips departing, viewers
// churning, holds expiring (and with Redis one FLUSHALL and one restart): RSS and fds sampled
// and compared between the middle and the last third.
struct soak_options {
  double duration = 1200;     // seconds
  double sample_every = 5;    // seconds between samples of the server's RSS and fds
  double import_every = 60;   // seconds between schedule imports (each places the next week)
  int import_rows = 100;      // trips per imported week
  int viewers = 100;          // WebSocket viewers open at any time
  double viewer_life = 10;    // mean seconds a viewer stays before leaving (a new one comes)
  int holders = 8;            // users taking holds that they leave to expire
  double hold_rate = 10;      // new holds per second, all holders together
  double book_rate = 1;       // bookings per second
  int redis_port = 0;         // Redis of the server(s): FLUSHALL at 40 %, kill -9 and restart at 55 %
  double flat_tolerance = 0.03;  // "flat": the last third's mean within this of the middle third's
  bool strict = false;        // not flat fails the run
};

report run_holds(common_options& c, const holds_options& o);
report run_fanout(common_options& c, const fanout_options& o);
report run_expiry(common_options& c, const expiry_options& o);
report run_connections(common_options& c, const connections_options& o);
report run_contention(common_options& c, const contention_options& o);
report run_bookings(common_options& c, const bookings_options& o);
report run_reads(common_options& c, const reads_options& o);
report run_abuse(common_options& c, const abuse_options& o);
report run_soak(common_options& c, const soak_options& o);

}  // namespace bench
