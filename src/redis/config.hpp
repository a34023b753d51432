#pragma once
// Settings shared by redis::connection and redis::subscriber.
#include <chrono>
#include <cstddef>
#include <string>

#include "metrics/counter.hpp"
#include "metrics/histogram.hpp"
#include "redis/backoff.hpp"
#include "redis/reply_reader.hpp"

namespace seatd::redis {

struct config {
  // redis://[[user]:password@]host[:port][/db]; see endpoint.hpp.
  std::string url = "redis://127.0.0.1:6379";
  // From the moment a command is queued until its reply. An overdue reply means the server
  // or the path to it is stuck, so the connection is reset, failing what else is in flight.
  std::chrono::milliseconds command_timeout{2000};
  // TCP connect plus the AUTH / SELECT / CLIENT SETNAME / PING handshake.
  std::chrono::milliseconds connect_timeout{2000};
  // A PING when nothing was received for this long and nothing is outstanding; its reply is
  // due within command_timeout. Zero disables health checks.
  std::chrono::milliseconds health_check_interval{5000};
  backoff_policy reconnect;
  // Outstanding commands (connection) or subscription requests (subscriber) beyond which new
  // ones fail with errc::overloaded instead of queueing without bound.
  std::size_t max_pending = 100000;
  // Bytes queued for writing beyond which new commands fail with errc::overloaded (a single
  // larger command is still accepted when nothing else is queued).
  std::size_t max_queued_bytes = 64 * 1024 * 1024;
  reader_limits limits;
  // CLIENT SETNAME on every connect when not empty, so CLIENT LIST shows who is who.
  std::string client_name;
  // Counted when set (they must outlive the connection): reconnects after the first connect,
  // and each command's time from being queued to its reply.
  metrics::counter* reconnects = nullptr;
  metrics::histogram* command_latency = nullptr;
};

}  // namespace seatd::redis
