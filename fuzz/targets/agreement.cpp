// The agreement parser (model/agreement.h, after the strict JSON parser):
// any bytes either give an agreement or throw hotline::Error, and an
// accepted agreement's JSON is exactly the JSON it came from
// (to_json(agreement_from_json(j)) == j, as agreement.h promises).
#include <string_view>

#include "fuzz_target.h"
#include "hotline/common/error.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/model/agreement.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hotline;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json j;
  model::Agreement a;
  try {
    j = crypto::parse_strict(text);
    a = model::agreement_from_json(j);
  } catch (const Error&) {
    return 0;
  }
  if (model::to_json(a) != j) fuzz::broken("to_json(agreement_from_json(j)) != j");
  return 0;
}
