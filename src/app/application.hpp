#pragma once
// The application: builds every component from the config, runs them, and stops them in order.
// Lifecycle as the seed's lifespan manager: startup opens the database and migrates it, starts
// the background tasks and the listener; shutdown (SIGINT/SIGTERM or stop()) stops accepting,
// lets in-flight requests finish (idle connections close at once), cancels background tasks,
// closes the database, all within a deadline.
#include <memory>
#include <optional>

#include "app/config.hpp"
#include "domain/local_time.hpp"
#include "domain/model.hpp"

namespace seatd {

class application {
 public:
  explicit application(config cfg);
  ~application();
  application(const application&) = delete;
  application& operator=(const application&) = delete;

  // Runs until a signal or stop(); returns the process exit code.
  int run();
  // Thread-safe.
  void stop();

 private:
  friend int print_routes(config cfg);  // builds an impl's route table, runs nothing
  struct impl;
  std::unique_ptr<impl> impl_;
};

// Prints every HTTP route of the server `cfg` would run (the `seatd routes` subcommand): method,
// path pattern, who may call it ("anyone", "user", "admin") and "upload" for a large body. The
// route table is built as the server builds it, over a private in-memory database: nothing is
// listened on, written or sent.
int print_routes(config cfg);

// Creates or promotes an admin user (the `seatd admin create` subcommand).
int create_admin(const config& cfg, const std::string& email, const std::string& username,
                 const std::string& password);
// Imports a schedule file (the `seatd import` subcommand).
// `week_of`: any day of the week to place the trips in; nullopt: the contract's rule.
// `options`: how many consecutive weeks, and whether only to say what would be added.
int import_schedule_file(const config& cfg, const std::string& path,
                         std::optional<local_date> week_of = std::nullopt,
                         import_options options = {});

}  // namespace seatd
