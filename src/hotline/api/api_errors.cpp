#include "hotline/api/api_errors.h"

#include <array>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

namespace hotline::api {
namespace {

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}
bool starts_with(std::string_view s, std::string_view head) {
  return s.substr(0, head.size()) == head;
}

}  // namespace

int status_for_code(const std::string& code) {
  static const std::array<std::pair<std::string_view, int>, 37> kExact = {{
      {"unauthenticated", 401},
      {"auth_failed", 401},
      {"auth_session_expired", 401},
      {"auth_totp_required", 401},
      {"auth_totp_invalid", 401},
      {"auth_disabled", 401},
      {"auth_locked", 403},
      {"password_wrong", 403},
      {"forbidden", 403},
      {"csrf_failed", 403},
      {"four_eyes", 403},
      {"not_found", 404},
      {"node_missing", 404},
      {"item_wrong_kind", 404},
      {"method_not_allowed", 405},
      {"illegal_transition", 409},
      {"wrong_side", 409},
      {"case_duplicate", 409},
      {"agreement_missing", 409},
      {"agreement_none_pending", 409},
      {"agreement_no_rule", 409},
      {"deadline_unreachable", 409},
      {"totp_not_pending", 409},
      {"store_duplicate", 409},
      {"ledger_tlp_red", 409},
      {"unsupported_media_type", 415},
      {"payload_too_large", 413},
      {"attachment_too_large", 413},
      {"message_too_long", 413},
      {"rate_limited", 429},
      {"store_busy", 503},
      {"link_unreachable", 503},
      {"link_timeout", 503},
      {"too_many_streams", 503},
      {"attachment_incomplete", 409},
      {"attachment_corrupt", 500},
      {"attachment_unreadable", 500},
  }};
  for (const auto& [name, status] : kExact) {
    if (code == name) return status;
  }
  if (ends_with(code, "_unknown") || ends_with(code, "_missing")) return 404;
  if (ends_with(code, "_exists")) return 409;
  // Faults of this node (storage, keys, crypto, I/O), not of the request.
  for (std::string_view fault :
       {"store_", "vault_", "crypto_", "key_", "tls_", "ledger_storage", "io_", "internal"}) {
    if (starts_with(code, fault)) return 500;
  }
  return 400;
}

net::HttpResponse error_response(const Error& e, const std::string& method,
                                 const std::string& target) {
  int status = status_for_code(e.code());
  // "_missing" codes that are the node's own files, not the request's.
  if (e.code() == "vault_key_missing" || e.code() == "key_missing") status = 500;
  if (status >= 500 && status != 503) {
    spdlog::error("event=api_failed method={} target=\"{}\" code={} error=\"{}\"", method, target,
                  e.code(), e.what());
    return net::json_error(
        status, e.code(),
        "the node could not do this (" + e.code() + "); the server log has details");
  }
  return net::json_error(status, e.code(), e.what());
}

}  // namespace hotline::api
