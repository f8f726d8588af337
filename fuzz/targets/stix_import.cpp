// The STIX 2.1 bundle importer (interop/stix_import.h): any bytes either
// import or are refused with hotline::Error; what imports holds only valid,
// normalized, distinct indicators.
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "fuzz_target.h"
#include "hotline/common/error.h"
#include "hotline/interop/stix_import.h"
#include "hotline/model/indicator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hotline;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  interop::StixImportOptions options;
  options.max_input_bytes = 1 << 20;
  interop::StixImport result;
  try {
    result = interop::import_stix(in, options);
  } catch (const Error&) {
    return 0;
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& i : result.indicators) {
    if (model::normalize_indicator(i.type, i.value) != i.value) {
      fuzz::broken("an imported indicator is not in its normal form");
    }
    if (!seen.emplace(i.type, i.value).second) fuzz::broken("an imported indicator twice");
  }
  return 0;
}
