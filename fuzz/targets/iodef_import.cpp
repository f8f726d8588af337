// The IODEF v2 importer (interop/iodef.h, libxml2 with the schema compiled
// in): any bytes either import or are refused with hotline::Error (a DOCTYPE,
// an entity, a schema violation, invalid UTF-8, ...).
#include <string_view>

#include "fuzz_target.h"
#include "hotline/common/error.h"
#include "hotline/interop/iodef.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hotline;
  try {
    (void)interop::import_iodef(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const Error&) {
  }
  return 0;
}
