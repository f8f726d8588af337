// Escalation webhooks (see webhook.h). Plain C++: the HTTP exchange is
// net::HttpsClient's, so this file compiles without Boost.
#include "hotline/api/webhook.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <exception>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/hmac.h"
#include "hotline/crypto/random.h"
#include "hotline/net/https_client.h"
#include "hotline/tls/context.h"
#include "hotline/version.h"

namespace hotline::api {
namespace {

constexpr std::size_t kMaxUrlBytes = 2048;
constexpr std::size_t kMaxErrorBodyChars = 160;
constexpr int kMaxPayloadDepth = 64;

[[noreturn]] void invalid(const std::string& message) {
  throw Error("webhook_invalid", message);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == prefix;
}

std::string trim(std::string_view s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::int64_t unix_seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// "ab\ncd" -> "ab cd", cut to `max` characters: an HTTP error body shown in a
// log line or on a screen.
std::string snippet(std::string_view body, std::size_t max) {
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
  return lower(trim(value.get<std::string>())) == "tlp:red";
}

// Whether any member named "tlp" (any case) holds TLP:RED. Too deep counts as
// yes: what cannot be checked is not sent.
bool contains_tlp_red(const nlohmann::json& j, int depth) {
  if (depth > kMaxPayloadDepth) return true;
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (lower(key) == "tlp" && is_tlp_red(value)) return true;
      if (contains_tlp_red(value, depth + 1)) return true;
    }
  } else if (j.is_array()) {
    for (const auto& value : j) {
      if (contains_tlp_red(value, depth + 1)) return true;
    }
  }
  return false;
}

ClientTlsConfig tls_config_for(const WebhookConfig& config) {
  ClientTlsConfig tls;
  if (config.pin_sha256) {
    auto bytes = from_hex(*config.pin_sha256);
    tls::Sha256 pin{};
    std::copy(bytes.begin(), bytes.end(), pin.begin());
    tls.server_cert_sha256 = pin;
  }
  return tls;
}

std::unique_ptr<net::HttpsClient> make_client(const WebhookConfig& config,
                                              const WebhookTarget& target,
                                              const WebhookOptions& options) {
  net::ClientOptions client_options;
  client_options.connect_timeout = options.connect_timeout;
  client_options.read_timeout = options.read_timeout;
  client_options.max_response_bytes = std::size_t{1024} * 1024;  // we only read the status
  return std::make_unique<net::HttpsClient>(tls_config_for(config), target.host, target.port,
                                            client_options);
}

// Sends one signed request on `client`; never throws for HTTP or network
// failures.
DeliveryResult send(net::HttpsClient& client, const WebhookConfig& config,
                    const WebhookTarget& target, std::string_view event,
                    std::string_view delivery_id, std::string_view body, std::int64_t unix_now) {
  DeliveryResult result;
  net::HttpRequest request =
      make_webhook_request(config, target, event, delivery_id, body, unix_now);
  net::HttpResponse response;
  try {
    response = client.request(request);
  } catch (const Error& e) {
    result.error = e.what();
    return result;
  }
  result.status = response.status;
  if (response.status >= 200 && response.status <= 299) {
    result.ok = true;
    return result;
  }
  result.error = "HTTP " + std::to_string(response.status) + " from " + target.authority;
  if (response.status >= 300 && response.status <= 399) {
    result.error += " (redirects are not followed: configure the final URL)";
  } else if (std::string text = snippet(response.body, kMaxErrorBodyChars); !text.empty()) {
    result.error += ": " + text;
  }
  return result;
}

// One attempt on a fresh connection, for the free functions.
DeliveryResult post_once(const WebhookConfig& config, std::string_view event,
                         std::string_view delivery_id, std::string_view body,
                         std::int64_t unix_now) {
  DeliveryResult result;
  WebhookTarget target;
  std::unique_ptr<net::HttpsClient> client;
  try {
    validate_webhook_config(config);
    target = parse_webhook_url(config.url);
    client = make_client(config, target, WebhookOptions{});
  } catch (const Error& e) {
    result.error = e.what();
    return result;
  }
  return send(*client, config, target, event, delivery_id, body, unix_now);
}

constexpr const char* kWithheldMessage =
    "withheld: the payload is TLP:RED (or cannot be checked) and never leaves this node";

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

WebhookTarget parse_webhook_url(std::string_view url) {
  if (url.empty()) invalid("webhook URL is empty (expected https://HOST[:PORT]/path)");
  if (url.size() > kMaxUrlBytes) {
    invalid("webhook URL is longer than " + std::to_string(kMaxUrlBytes) + " bytes");
  }
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      invalid("webhook URL " + snippet(url, 80) +
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
    t.host = lower(authority.substr(1, close - 1));
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
    t.host = lower(host);
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
    hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
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
}

void clear_webhook_config(store::Transaction& tx) {
  tx.put_setting("webhook.url", "");
  tx.put_setting("webhook.secret", "");
  tx.put_setting("webhook.pin_sha256", "");
}

std::string webhook_signature(std::string_view secret, std::int64_t unix_time,
                              std::string_view body) {
  std::string message = std::to_string(unix_time);
  message.push_back('.');
  message.append(body);
  return "sha256=" + to_hex(crypto::hmac_sha256(secret, message));
}

net::HttpRequest make_webhook_request(const WebhookConfig& config, const WebhookTarget& target,
                                      std::string_view event, std::string_view delivery_id,
                                      std::string_view body, std::int64_t unix_now) {
  net::HttpRequest r;
  r.method = "POST";
  r.target = target.target;
  r.headers["Host"] = target.authority;
  r.headers["User-Agent"] = std::string("hotline/") + kVersion;
  r.headers["Content-Type"] = "application/json";
  r.headers["X-Hotline-Event"] = std::string(event);
  r.headers["X-Hotline-Delivery"] = std::string(delivery_id);
  r.headers["X-Hotline-Timestamp"] = std::to_string(unix_now);
  r.headers["X-Hotline-Signature"] = webhook_signature(config.secret, unix_now, body);
  r.body = std::string(body);
  return r;
}

bool webhook_must_withhold(std::string_view payload) {
  nlohmann::json j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return true;
  return contains_tlp_red(j, 0);
}

DeliveryResult post_escalation(const WebhookConfig& config,
                               const store::EscalationRecord& escalation, std::int64_t unix_now) {
  if (webhook_must_withhold(escalation.payload)) {
    DeliveryResult result;
    result.error = kWithheldMessage;
    return result;
  }
  return post_once(config, "escalation", std::to_string(escalation.id), escalation.payload,
                   unix_now);
}

DeliveryResult post_test_event(const WebhookConfig& config, std::string_view party,
                               std::int64_t unix_now) {
  nlohmann::json body = {
      {"event", "test"},
      {"party", std::string(party)},
      {"message",
       "Test event from Hotline: the webhook is reachable and the signature can be "
       "checked. Nothing to do."},
      {"at", format_timestamp(TimePoint(std::chrono::seconds(unix_now)))}};
  return post_once(config, "test", "test-" + std::to_string(unix_now), body.dump(), unix_now);
}

// ---------------------------------------------------------------------------
// WebhookDispatcher

WebhookDispatcher::WebhookDispatcher(store::Store& store, WebhookOptions options)
    : store_(store), options_(options) {
  std::array<std::uint8_t, 8> seed{};
  crypto::random_bytes(seed);
  rng_state_ = 0;
  for (auto b : seed) rng_state_ = (rng_state_ << 8) | b;
}

WebhookDispatcher::~WebhookDispatcher() = default;

std::chrono::milliseconds WebhookDispatcher::retry_delay(const WebhookOptions& options,
                                                         std::int64_t failures, double jitter01) {
  using std::chrono::milliseconds;
  milliseconds delay = options.first_retry;
  for (std::int64_t i = 1; i < failures && delay < options.max_retry; ++i) delay *= 2;
  delay = std::min(delay, options.max_retry);
  jitter01 = std::clamp(jitter01, 0.0, 1.0);
  auto cut = static_cast<milliseconds::rep>(static_cast<double>(delay.count()) * 0.2 * jitter01);
  return std::max(delay - milliseconds(cut), milliseconds(1));
}

std::optional<TimePoint> WebhookDispatcher::next_retry() const {
  std::optional<TimePoint> earliest;
  for (const auto& [id, at] : retry_at_) {
    if (!earliest || at < *earliest) earliest = at;
  }
  return earliest;
}

int WebhookDispatcher::run_once(TimePoint now) {
  std::optional<WebhookConfig> config;
  try {
    config = store_.snapshot([](store::Transaction& tx) { return load_webhook_config(tx); });
  } catch (const Error& e) {
    if (e.code() != "webhook_invalid") throw;
    last_error_ = e.what();
    client_.reset();
    return 0;
  }
  if (!config) {
    client_.reset();
    client_config_.reset();
    last_error_.clear();
    return 0;
  }
  const WebhookTarget target = parse_webhook_url(config->url);  // validated by load
  if (!client_ || client_config_ != config) {
    // A new or changed configuration: a new connection, and every pending
    // escalation is due at once (the old failures were against the old one).
    client_.reset();
    retry_at_.clear();
    try {
      client_ = make_client(*config, target, options_);
    } catch (const Error& e) {
      last_error_ = e.what();
      return 0;
    }
    client_config_ = config;
  }

  auto pending = store_.snapshot(
      [this](store::Transaction& tx) { return tx.pending_escalations(options_.batch); });
  if (pending.size() < options_.batch) {
    // Forget retry times of escalations no longer pending.
    std::map<std::int64_t, TimePoint> kept;
    for (const auto& e : pending) {
      if (auto it = retry_at_.find(e.id); it != retry_at_.end()) kept.insert(*it);
    }
    retry_at_.swap(kept);
  }

  last_error_.clear();
  int delivered = 0;
  for (auto& e : pending) {
    if (auto it = retry_at_.find(e.id); it != retry_at_.end() && now < it->second) continue;

    if (webhook_must_withhold(e.payload)) {
      e.webhook_state = "withheld";
      e.last_error = kWithheldMessage;
      store_.transact([&e](store::Transaction& tx) { tx.update_escalation_delivery(e); });
      retry_at_.erase(e.id);
      continue;
    }

    DeliveryResult result = send(*client_, *config, target, "escalation", std::to_string(e.id),
                                 e.payload, unix_seconds(now));
    e.attempts += 1;
    if (result.ok) {
      e.webhook_state = "delivered";
      e.delivered_at = format_timestamp(now);
      e.last_error.clear();
      retry_at_.erase(e.id);
      ++delivered;
    } else {
      e.last_error = result.error;
      double jitter = static_cast<double>(splitmix64(rng_state_) >> 11) * 0x1.0p-53;
      retry_at_[e.id] = now + retry_delay(options_, e.attempts, jitter);
      last_error_ = result.error;
    }
    store_.transact([&e](store::Transaction& tx) { tx.update_escalation_delivery(e); });
    // No HTTP answer at all: the receiver is down or unreachable; the others
    // would wait for the same timeout. They get their turn next round.
    if (!result.ok && result.status == 0) break;
  }
  return delivered;
}

}  // namespace hotline::api
