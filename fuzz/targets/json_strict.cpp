// The strict JSON parser (crypto/canonical_json.h): any bytes either parse
// or throw hotline::Error; what parses canonicalizes, the canonical form
// parses to the same canonical form again, and is_canonical says so.
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "hotline/common/error.h"
#include "hotline/crypto/canonical_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hotline;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json value;
  try {
    value = crypto::parse_strict(text);
  } catch (const Error&) {
    return 0;
  }
  const std::string canon = crypto::canonicalize(value);
  if (crypto::canonicalize(crypto::parse_strict(canon)) != canon) {
    fuzz::broken("canonical JSON does not round-trip");
  }
  if (!crypto::is_canonical(canon)) fuzz::broken("is_canonical refuses canonicalize's output");
  if (crypto::is_canonical(text) && canon != text) {
    fuzz::broken("is_canonical accepts a text that is not canonicalize's output");
  }
  return 0;
}
