// The envelope parser (link/envelope.h): any bytes either parse or throw
// hotline::Error; an envelope that parses was canonical, so writing it out
// again gives the very same bytes.
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "hotline/common/error.h"
#include "hotline/link/envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hotline;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  link::Envelope e;
  try {
    e = link::parse_envelope(text);
  } catch (const Error&) {
    return 0;
  }
  if (link::canonical(e) != text) fuzz::broken("a parsed envelope does not write back the same");
  if (link::parse_envelope(link::canonical(e)) != e) fuzz::broken("envelope round trip");
  return 0;
}
