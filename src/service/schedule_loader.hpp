#pragma once
// Loading an operator's schedule: parse the file, then place and insert every trip in one
// transaction. Shared by POST /setup/seed-schedule and `seatd import`. Blocking: call it on
// the worker pool (or from the CLI).
#include <optional>
#include <string>
#include <string_view>

#include "domain/model.hpp"
#include "store/store.hpp"

namespace seatd::service {

struct schedule_load_outcome {
  bool ok = false;
  std::string message;  // on failure: which row and column, in plain words
  import_summary summary;
  int rows = 0;
  // Rows × weeks not placed because that bus already left at that minute before the upload.
  int trips_skipped = 0;
};

// `week_of`: any day of the week to place the trips in (the operator's choice); a week before
// the one containing `today` is refused. nullopt: the contract's placement rule.
// `options.weeks` consecutive weeks from there (1..max_import_weeks; the last may lie at most
// max_import_lead ahead); `options.dry_run` answers what would be added and writes nothing.
schedule_load_outcome load_schedule(store& db, std::string_view filename, std::string_view bytes,
                                    local_date today,
                                    std::optional<local_date> week_of = std::nullopt,
                                    import_options options = {});

}  // namespace seatd::service
