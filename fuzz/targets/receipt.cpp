// The receipt parser (link/receipt.h): any bytes either parse or throw
// hotline::Error, and parsing the canonical form of what parsed gives the
// same receipt.
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "hotline/common/error.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/link/receipt.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hotline;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const link::Receipt r = link::parse_receipt(text);
    const std::string canon = crypto::canonicalize(crypto::parse_strict(text));
    const link::Receipt again = link::parse_receipt(canon);
    if (link::canonical(again) != link::canonical(r)) fuzz::broken("receipt round trip");
  } catch (const Error&) {
  }
  return 0;
}
