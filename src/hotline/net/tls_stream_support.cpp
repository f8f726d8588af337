#include "hotline/net/tls_stream_support.h"

#include <cctype>

#include "hotline/common/error.h"
#include "hotline/common/error_category.h"

namespace hotline::net {

SSL_CTX* shared_native(const tls::Context& ctx, const char* who) {
  if (!ctx)
    throw Error(ErrorCategory::internal, "tls_config_invalid",
                std::string(who) + " needs a TLS context");
  SSL_CTX_up_ref(ctx.native());
  return ctx.native();
}

std::string lower(boost::beast::string_view s) {
  std::string out(s.data(), s.size());
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace hotline::net
