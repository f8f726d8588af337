// Two real linked nodes (link_harness.h's TwoNodes) and a client for their
// operators' API: JSON calls over real TLS to 127.0.0.1, users with API
// tokens made on the nodes' data directories (as `hotline user add` and
// `hotline token create` do), and polling until an answer holds.
//
// Single-threaded, like the fixtures that use it (api_test, web_api_test).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/crypto/password.h"
#include "hotline/net/https_client.h"
#include "hotline/service/user_service.h"
#include "link_harness.h"

namespace hotline::it {

struct ApiReply {
  int status = 0;
  nlohmann::json body;  // null unless the answer was JSON
  std::map<std::string, std::string> headers;
};

// The error code of a refusal ("" when the answer is no error).
inline std::string code_of(const ApiReply& r) {
  return r.body.is_object() && r.body.contains("error") ? r.body["error"].value("code", "") : "";
}

// One JSON call to a node's operators' API on `port` (real TLS, loopback).
// A JSON body that does not parse throws, unless `lenient` (then the body
// is nlohmann's discarded value).
inline ApiReply api_call_on(std::uint16_t port, bool lenient, const std::string& method,
                            const std::string& target, const nlohmann::json& body,
                            const std::string& token, std::map<std::string, std::string> headers) {
  tls::ClientTlsConfig cfg;
  cfg.insecure_skip_verify = true;  // loopback, the node's self-signed certificate
  net::HttpsClient client(cfg, "127.0.0.1", port);
  net::HttpRequest r;
  r.method = method;
  r.target = target;
  r.headers = std::move(headers);
  if (!token.empty()) r.headers["Authorization"] = "Bearer " + token;
  if (!body.is_null()) {
    r.headers["Content-Type"] = "application/json";
    r.body = body.dump();
  }
  auto res = client.request(r);
  ApiReply out{res.status, nullptr, res.headers};
  if (!res.body.empty() && res.content_type.rfind("application/json", 0) == 0) {
    out.body = nlohmann::json::parse(res.body, nullptr, /*allow_exceptions=*/!lenient);
  }
  return out;
}

class ApiNodes : public TwoNodes {
 protected:
  static constexpr const char* kPassword = "correct horse battery staple";

  ApiReply call(Side s, const std::string& method, const std::string& target,
                const nlohmann::json& body = nullptr, const std::string& token = "",
                std::map<std::string, std::string> headers = {}) {
    return api_call_on(node(s).op_port, /*lenient=*/false, method, target, body, token,
                       std::move(headers));
  }

  // A user with `roles` on side `s` and an API token for it.
  std::string token(Side s, const std::string& name, std::vector<service::Role> roles) {
    auto n = service::open_node(dir(s));
    service::AccountPolicy cheap;
    cheap.password_cost = crypto::kTestPasswordCost;
    service::add_user(*n.store, name, "", roles, kPassword, now_ms(), cheap);
    return service::create_api_token(*n.store, name, "test", now_ms()).token;
  }

  // Polls GET `target` on side `s` until pred(body) or 30 s.
  template <class Pred>
  ApiReply wait_for(Side s, const std::string& target, const std::string& tok, Pred pred) {
    ApiReply last;
    testing::eventually(
        [&] {
          last = call(s, "GET", target, nullptr, tok);
          return last.status == 200 && pred(last.body);
        },
        std::chrono::seconds(30));
    return last;
  }
};

}  // namespace hotline::it
