#pragma once
// Every request's id (X-Request-Id): the one a trusted proxy (SEATD_TRUSTED_PROXIES) put on
// it, so a request can be followed from the load balancer's log into seatd's; otherwise a new
// one. Anyone can write the header, so a client's own id is never believed (it would let a
// client make its requests look like someone else's in the logs), and a proxy's only when it
// is short and of a safe charset (it goes into every log line and back into the response).
#include <cstddef>
#include <string>
#include <string_view>

namespace seatd::net {

inline constexpr std::size_t max_request_id_length = 64;

// 1..64 characters of [A-Za-z0-9._:-] (UUIDs, nginx's $request_id, most tracing ids).
bool well_formed_request_id(std::string_view id);

// 32 random lowercase hex digits (128 bits, like nginx's $request_id).
std::string new_request_id();

// The id a request carries: `offered` (the X-Request-Id value; empty when absent or given more
// than once) when the peer is a trusted proxy and it is well-formed, else a new one.
std::string request_id_for(std::string_view offered, bool from_trusted_proxy);

}  // namespace seatd::net
