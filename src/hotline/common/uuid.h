// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits. Ids sort by
// creation time, which keeps B-tree inserts local and listings in order.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "hotline/common/time.h"

namespace hotline {

// `random` supplies the 74 random bits (the caller draws them from a CSPRNG).
std::string make_uuid_v7(TimePoint t, const std::array<std::uint8_t, 10>& random);

// True for the lowercase 8-4-4-4-12 form with version 7 and variant 10.
bool is_uuid_v7(std::string_view text);

}  // namespace hotline
