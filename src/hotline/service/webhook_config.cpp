#include "hotline/service/webhook_config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "hotline/common/ascii.h"
#include "hotline/common/error.h"
#include "hotline/common/ip_address.h"

namespace hotline::service {
namespace {

constexpr std::size_t kMaxUrlBytes = 2048;

constexpr int kMaxPayloadDepth = 64;

[[noreturn]] void invalid(const std::string& message) {
  throw Error(ErrorCategory::invalid_input, "webhook_invalid", message);
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && ascii_lower(s.substr(0, prefix.size())) == prefix;
}

std::string trim(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

bool valid_dns_host(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  if (host.front() == '.' || host.front() == '-' || host.back() == '-') return false;
  if (host.find("..") != std::string_view::npos) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
  });
}

bool valid_ipv6_literal(std::string_view host) {
  if (host.size() < 2 || host.find(':') == std::string_view::npos) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
  });
}

std::uint16_t parse_port(std::string_view text, std::string_view url) {
  if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    invalid("webhook URL " + std::string(url) + " has an invalid port \"" + std::string(text) +
            "\" (expected 1-65535)");
  }
  int port = std::stoi(std::string(text));
  if (port < 1 || port > 65535) {
    invalid("webhook URL " + std::string(url) + " has an invalid port " + std::string(text) +
            " (expected 1-65535)");
  }
  return static_cast<std::uint16_t>(port);
}

bool is_tlp_red(const nlohmann::json& value) {
  if (!value.is_string()) return false;
  return ascii_lower(trim(value.get<std::string>())) == "tlp:red";
}

// Whether any member named "tlp" (any case) holds TLP:RED. Too deep counts as
// yes: what cannot be checked is not sent.
bool contains_tlp_red(const nlohmann::json& j, int depth) {
  if (depth > kMaxPayloadDepth) return true;
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (ascii_lower(key) == "tlp" && is_tlp_red(value)) return true;
      if (contains_tlp_red(value, depth + 1)) return true;
    }
  } else if (j.is_array()) {
    for (const auto& value : j) {
      if (contains_tlp_red(value, depth + 1)) return true;
    }
  }
  return false;
}

}  // namespace

std::string printable_snippet(std::string_view body, std::size_t max) {
  std::string out;
  for (char c : body) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
  }
  return trim(out);
}

WebhookTarget parse_webhook_url(std::string_view url) {
  if (url.empty()) invalid("webhook URL is empty (expected https://HOST[:PORT]/path)");
  if (url.size() > kMaxUrlBytes) {
    invalid("webhook URL is longer than " + std::to_string(kMaxUrlBytes) + " bytes");
  }
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      invalid("webhook URL " + printable_snippet(url, 80) +
              " contains a space, a control or a non-ASCII character (percent-encode it)");
    }
  }
  const std::string shown(url);
  if (!starts_with_ci(url, "https://")) {
    if (starts_with_ci(url, "http://")) {
      invalid("webhook URL " + shown + " must use https://, not http://");
    }
    invalid("webhook URL " + shown + " must look like https://HOST[:PORT]/path");
  }
  std::string_view rest = url.substr(8);
  if (rest.find('#') != std::string_view::npos) {
    invalid("webhook URL " + shown + " must not have a #fragment");
  }
  std::size_t end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, end);
  std::string_view path = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (authority.find('@') != std::string_view::npos) {
    invalid("webhook URL " + shown +
            " must not contain user:password@ (the shared secret authenticates the requests)");
  }
  if (authority.empty()) invalid("webhook URL " + shown + " has no host");

  WebhookTarget t;
  std::string_view port_text;
  bool has_port = false;
  if (authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) invalid("webhook URL " + shown + " has an unclosed '['");
    t.host = ascii_lower(authority.substr(1, close - 1));
    if (!valid_ipv6_literal(t.host)) {
      invalid("webhook URL " + shown + " has an invalid IPv6 address");
    }
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') invalid("webhook URL " + shown + " has junk after ']'");
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    std::size_t colon = authority.find(':');
    std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
    }
    t.host = ascii_lower(host);
    if (!valid_dns_host(t.host)) {
      invalid("webhook URL " + shown + " has an invalid host \"" + std::string(host) +
              "\" (letters, digits, '-' and '.'; an IPv6 address goes in [brackets])");
    }
  }
  if (has_port) t.port = parse_port(port_text, url);

  if (path.empty()) {
    t.target = "/";
  } else if (path.front() == '?') {
    t.target = "/" + std::string(path);
  } else {
    t.target = std::string(path);
  }

  const bool v6 = t.host.find(':') != std::string::npos;
  t.authority = v6 ? "[" + t.host + "]" : t.host;
  if (t.port != 443) t.authority += ":" + std::to_string(t.port);
  return t;
}

std::string normalize_pin_sha256(std::string_view text) {
  std::string hex;
  for (char c : trim(text)) {
    if (c == ':') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      invalid("certificate pin must be the SHA-256 fingerprint in hex (64 digits, colons allowed)");
    }
    hex.push_back(ascii_lower(c));
  }
  if (hex.size() != 64) {
    invalid("certificate pin must be the SHA-256 fingerprint in hex: 64 digits, got " +
            std::to_string(hex.size()));
  }
  return hex;
}

void validate_webhook_config(const WebhookConfig& config) {
  parse_webhook_url(config.url);
  if (config.secret.size() < kWebhookMinSecretBytes) {
    invalid("webhook secret must be at least " + std::to_string(kWebhookMinSecretBytes) +
            " bytes, got " + std::to_string(config.secret.size()));
  }
  if (config.pin_sha256 && normalize_pin_sha256(*config.pin_sha256) != *config.pin_sha256) {
    invalid("certificate pin must be 64 lowercase hex digits");
  }
}

void check_webhook_destination(const WebhookConfig& config) {
  const WebhookTarget target = parse_webhook_url(config.url);
  if (config.allow_internal) return;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(target.host.c_str(), nullptr, &hints, &found);
  if (rc != 0 || !found) {
    invalid("the webhook host " + printable_snippet(target.host, 80) + " does not resolve (" +
            ::gai_strerror(rc) + ")");
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> all(found, &::freeaddrinfo);
  for (const addrinfo* a = found; a; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw =
        a->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr)
            : static_cast<const void*>(
                  &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr);
    ::inet_ntop(a->ai_family, raw, text, sizeof text);
    if (is_internal_address(text)) {
      invalid("the webhook host " + printable_snippet(target.host, 80) + " is or resolves to " +
              text +
              ", an internal address (loopback, private or link-local); only the node's "
              "operator may allow that, with: hotline webhook set --allow-internal");
    }
  }
}

std::optional<WebhookConfig> load_webhook_config(store::Transaction& tx) {
  auto url = tx.get_setting("webhook.url");
  if (!url || url->empty()) return std::nullopt;
  WebhookConfig config;
  config.url = *url;
  config.secret = tx.get_setting("webhook.secret").value_or("");
  if (auto pin = tx.get_setting("webhook.pin_sha256"); pin && !pin->empty()) {
    config.pin_sha256 = *pin;
  }
  try {
    validate_webhook_config(config);
    const std::string allowed = tx.get_setting("webhook.allow_internal").value_or("");
    config.allow_internal = !allowed.empty() && allowed == parse_webhook_url(config.url).host;
  } catch (const Error& e) {
    invalid(std::string("the stored webhook configuration is invalid (fix it with `hotline "
                        "webhook set`): ") +
            e.what());
  }
  return config;
}

void save_webhook_config(store::Transaction& tx, const WebhookConfig& config) {
  WebhookConfig normal = config;
  if (normal.pin_sha256) normal.pin_sha256 = normalize_pin_sha256(*normal.pin_sha256);
  validate_webhook_config(normal);
  tx.put_setting("webhook.url", normal.url);
  tx.put_setting("webhook.secret", normal.secret);
  tx.put_setting("webhook.pin_sha256", normal.pin_sha256.value_or(""));
  tx.put_setting("webhook.allow_internal",
                 normal.allow_internal ? parse_webhook_url(normal.url).host : "");
}

void clear_webhook_config(store::Transaction& tx) {
  tx.put_setting("webhook.url", "");
  tx.put_setting("webhook.secret", "");
  tx.put_setting("webhook.pin_sha256", "");
  tx.put_setting("webhook.allow_internal", "");
}

bool webhook_must_withhold(std::string_view payload) {
  nlohmann::json j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return true;
  return contains_tlp_red(j, 0);
}

}  // namespace hotline::service
