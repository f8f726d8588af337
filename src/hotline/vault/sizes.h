// The vault's sizes, shared by its public interface (vault.h) and its
// on-disk format (format.h), which include this and not each other.
#pragma once

#include <cstdint>

namespace hotline::vault {

// Attachments are sealed, stored and streamed in chunks of this many bytes.
inline constexpr std::int64_t kChunkSize = 1 << 20;
inline constexpr std::int64_t kDefaultMaxSize = 100 * 1024 * 1024;

}  // namespace hotline::vault
