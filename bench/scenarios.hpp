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

report run_holds(common_options& c, const holds_options& o);
report run_fanout(common_options& c, const fanout_options& o);
report run_expiry(common_options& c, const expiry_options& o);
report run_connections(common_options& c, const connections_options& o);
report run_contention(common_options& c, const contention_options& o);
report run_bookings(common_options& c, const bookings_options& o);
report run_reads(common_options& c, const reads_options& o);

}  // namespace bench
