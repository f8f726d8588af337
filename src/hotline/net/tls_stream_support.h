#pragma once

// Small helpers that the HTTPS server and the HTTPS client share; internal
// to net/ (no other part includes this header). Free functions, no state:
// any thread may call them.

#include <openssl/ssl.h>

#include <boost/beast/core/string.hpp>
#include <string>

#include "hotline/tls/tls.h"

namespace hotline::net {

// The SSL_CTX of `ctx` with one more reference, for an Asio ssl::context to
// take over: Asio frees the one it takes, and the tls::Context keeps its own,
// so the policy stored in the SSL_CTX's ex_data stays valid either way.
// Throws Error(internal, "tls_config_invalid") naming `who` when `ctx` is
// empty.
SSL_CTX* shared_native(const tls::Context& ctx, const char* who);

// ASCII lower case of a header value (HTTP header names and tokens are
// case-insensitive).
std::string lower(boost::beast::string_view s);

}  // namespace hotline::net
