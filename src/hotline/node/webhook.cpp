// Escalation webhooks (see webhook.h). Plain C++: the HTTP exchange is
// net::HttpsClient's, so this file compiles without Boost.
#include "hotline/node/webhook.h"

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

namespace hotline::node {
namespace {

using service::WebhookConfig;
using service::WebhookTarget;

constexpr std::size_t kMaxErrorBodyChars = 160;

std::int64_t unix_seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

tls::ClientTlsConfig tls_config_for(const WebhookConfig& config) {
  tls::ClientTlsConfig tls;
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
  } else if (std::string text = service::printable_snippet(response.body, kMaxErrorBodyChars);
             !text.empty()) {
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
    service::validate_webhook_config(config);
    service::check_webhook_destination(config);
    target = service::parse_webhook_url(config.url);
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

DeliveryResult post_escalation(const WebhookConfig& config,
                               const store::EscalationRecord& escalation, std::int64_t unix_now) {
  if (service::webhook_must_withhold(escalation.payload)) {
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
    config =
        store_.snapshot([](store::Transaction& tx) { return service::load_webhook_config(tx); });
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
  const WebhookTarget target = service::parse_webhook_url(config->url);  // validated by load
  try {
    // Each round: a name that resolves inward now is not sent to.
    service::check_webhook_destination(*config);
  } catch (const Error& e) {
    last_error_ = e.what();
    client_.reset();
    client_config_.reset();
    return 0;
  }
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

    if (service::webhook_must_withhold(e.payload)) {
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

}  // namespace hotline::node
