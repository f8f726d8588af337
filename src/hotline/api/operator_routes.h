// The operators' listener routes that need no login: liveness and version.
// OperatorApi's /health and /version routes (routes_session.cpp) answer
// with handle_operator; serve() uses it alone when given no operator handler.
#pragma once

#include <string>

#include "hotline/net/http_types.h"

namespace hotline::api {

struct OperatorInfo {
  std::string party;        // our party name
  std::string version;      // software version, e.g. "0.1.0"
  std::string public_key;   // our Ed25519 identity key, base64url (may be empty)
  std::string fingerprint;  // its fingerprint for reading aloud (may be empty)
};

// GET|HEAD /health  -> 200 {"status":"ok","party":..,"public_key":..,"fingerprint":..}
// GET|HEAD /version -> 200 {"version":..,"protocol":1}
// known path, other method -> 405 "method_not_allowed" (with Allow)
// anything else -> 404 "not_found"
net::HttpResponse handle_operator(const net::HttpRequest& request, const OperatorInfo& info);

// The wire protocol version peers speak (envelope "version").
inline constexpr int kProtocolVersion = 1;

}  // namespace hotline::api
