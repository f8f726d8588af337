// Indicator values (model/indicator.h): for each of the ten types, any text
// either normalizes or throws hotline::Error, and a normal form is its own
// normal form. A guessed type is one of the ten.
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "hotline/common/error.h"
#include "hotline/model/indicator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hotline;
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  for (std::string_view type : model::kIndicatorTypes) {
    std::string normal;
    try {
      normal = model::normalize_indicator(type, value);
    } catch (const Error&) {
      continue;
    }
    std::string again;
    try {
      again = model::normalize_indicator(type, normal);
    } catch (const Error&) {
      fuzz::broken("a normal form is refused");
    }
    if (again != normal) fuzz::broken("normalize is not idempotent");
  }
  if (auto t = model::guess_indicator_type(value); t && !model::is_indicator_type(*t)) {
    fuzz::broken("guessed a type that is not one of the ten");
  }
  return 0;
}
