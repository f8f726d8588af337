// What an IP address is: the key under which per-client limits count it
// (sign-in delays and limits, connections per source: one key per
// subscriber rather than per address), and whether it is internal (where a
// webhook must not point).
#pragma once

#include <string>
#include <string_view>

namespace hotline {

// An IPv4 address as it is; an IPv6 address cut to its /64
// ("2001:db8:1:2::/64": one subscriber usually holds a whole /64, so its
// 2^64 addresses count as one); an IPv4-mapped IPv6 address as the IPv4
// address. Anything that is not an address is returned unchanged.
std::string source_key(std::string_view address);

// True for an address a request from this node must not reach on an
// outsider's say-so: loopback, private (RFC 1918, fc00::/7), shared
// (100.64/10), link-local (169.254/16, fe80::/10), unspecified, multicast,
// broadcast, and IPv4-mapped forms of these. Also true for text that is not
// an IP address (nothing unknown passes).
bool is_internal_address(std::string_view address);

}  // namespace hotline
