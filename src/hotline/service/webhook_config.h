// The escalation webhook's configuration: where escalations are POSTed
// (node/webhook.h sends them), with which secret, and which certificate to
// pin. It lives in the store's settings (webhook.url, webhook.secret,
// webhook.pin_sha256) and is set with `hotline webhook set` or PUT
// /v1/webhook. Also the rule for what may never be sent (TLP:RED).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hotline/store/store.h"

namespace hotline::service {

inline constexpr std::size_t kWebhookMinSecretBytes = 32;

struct WebhookConfig {
  std::string url;     // https://HOST[:PORT]/path[?query]
  std::string secret;  // the HMAC key: at least kWebhookMinSecretBytes bytes
  // SHA-256 of the receiver's certificate (DER), 64 lowercase hex digits;
  // nullopt: the system trust store and host name verification.
  std::optional<std::string> pin_sha256;
  // The URL's host may be (or resolve to) an internal address (loopback,
  // private, link-local: ip_address.h). Only the node's operator at its
  // command line allows it (`hotline webhook set --allow-internal`), for
  // this host name; through the API it is always false.
  bool allow_internal = false;
  bool operator==(const WebhookConfig&) const = default;
};

// Where a webhook URL points.
struct WebhookTarget {
  std::string host;  // name or IP address (an IPv6 address without brackets)
  std::uint16_t port = 443;
  std::string target;  // path and query, starting with '/'
  // "hooks.example.org", "hooks.example.org:8443" or "[::1]:8443": for
  // messages and the Host header.
  std::string authority;
};

// Parses https://HOST[:PORT][/path][?query] (no path means "/"). Refuses
// with hotline::Error "webhook_invalid" and a message saying what is wrong:
// another scheme, user info, a fragment, spaces or control characters, a bad
// host or port.
WebhookTarget parse_webhook_url(std::string_view url);

// "AB:CD:..." (as `openssl x509 -fingerprint -sha256` prints it) or plain hex
// in any case -> 64 lowercase hex digits; anything else: "webhook_invalid".
std::string normalize_pin_sha256(std::string_view text);

// Throws "webhook_invalid" when the URL does not parse, the secret is shorter
// than kWebhookMinSecretBytes, or the pin is not 64 lowercase hex digits.
void validate_webhook_config(const WebhookConfig& config);

// Refuses (webhook_invalid) a URL whose host is, or resolves to, any
// internal address (every address the name resolves to is checked), unless
// config.allow_internal; a name that does not resolve is refused too. Checked
// when the webhook is set and again before each round of sending, so a name
// that later resolves inward is caught (issue #17, item 9).
void check_webhook_destination(const WebhookConfig& config);

// Settings "webhook.url", "webhook.secret", "webhook.pin_sha256",
// "webhook.allow_internal" (the host name allowed; empty values mean unset). load: nullopt when no
// URL is set; a stored config that does not validate throws "webhook_invalid". save validates first
// and normalizes the pin.
std::optional<WebhookConfig> load_webhook_config(store::Transaction& tx);
void save_webhook_config(store::Transaction& tx, const WebhookConfig& config);
void clear_webhook_config(store::Transaction& tx);

// True when the payload must not leave the node: it carries a "tlp" member
// (at any depth, name case-insensitive) whose value is "TLP:RED" (any case,
// surrounding spaces ignored), or it is not valid JSON (so it cannot be
// checked).
bool webhook_must_withhold(std::string_view payload);

// "ab\ncd" -> "ab cd", cut to `max` characters: text from outside (a URL, a
// receiver's error body) shown in a message or a log line.
std::string printable_snippet(std::string_view body, std::size_t max);

}  // namespace hotline::service
