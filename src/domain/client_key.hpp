#pragma once
// Which "client" a rate limit counts: the address as seen (C's trusted-proxy handling already
// picked the real one), with IPv6 addresses grouped by their /64 — one host usually gets a
// whole /64, so counting single IPv6 addresses would let it rotate through 2^64 of them.
// IPv4-mapped IPv6 (::ffff:a.b.c.d, what a dual-stack socket reports) counts as the IPv4
// address. Anything that is not an address is used as it is (already a fixed-size key).
// Pure.
#include <string>
#include <string_view>

namespace seatd {

std::string client_key(std::string_view address);

}  // namespace seatd
