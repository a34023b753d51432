#pragma once
// Installs the log line format on spdlog's loggers (SEATD_LOG_FORMAT): text (the default, for
// people at a terminal) or json (one object per line, for journald, Loki, Elasticsearch).
// Both carry the request id of the lines a request logs (log_fields.hpp).
namespace seatd::net {

void use_log_format(bool json);

}  // namespace seatd::net
