// Escalation webhooks: an escalation (store/records.h EscalationRecord, in the
// store already) is POSTed to one HTTPS URL the office configured, signed
// with HMAC-SHA-256 under a shared secret, and retried until the receiver
// answers 2xx. The outcome is recorded on the escalation.
//
// The request (one per attempt):
//
//   POST /path HTTP/1.1
//   Content-Type: application/json
//   X-Hotline-Event: escalation               ("test" for `hotline webhook test`)
//   X-Hotline-Delivery: 42                    the escalation's id; the same on every retry
//   X-Hotline-Timestamp: 1795772689           Unix seconds when this attempt was signed
//   X-Hotline-Signature: sha256=<64 lowercase hex digits>
//
//   <body: the escalation's payload, the exact bytes stored>
//
// where the signature is HMAC-SHA-256(key = the secret's bytes, message =
// timestamp + "." + body), the timestamp being the decimal text of the
// X-Hotline-Timestamp header. Because the timestamp is inside the MAC, a
// captured request cannot be replayed later with a fresh timestamp.
//
// How a receiver verifies a request:
//   1. Read the raw body bytes (before any JSON parsing).
//   2. Compute "sha256=" + hex(HMAC-SHA-256(secret, timestamp + "." + body))
//      and compare it with X-Hotline-Signature in constant time
//      (Python: hmac.compare_digest). Refuse on mismatch.
//   3. Refuse when |now - timestamp| > 300 s (a replayed or very late request).
//   4. Deduplicate on X-Hotline-Delivery: delivery is at least once (a lost
//      2xx reply, or a keep-alive connection dropped mid-request, means the
//      same escalation arrives again, with a new timestamp and signature).
//   5. Answer 2xx quickly; anything else (or no answer within 10 s) is retried.
// docs/operations.md ("Escalation webhooks") has this recipe in Python.
//
// Retries: per escalation, 1 s, 2 s, 4 s, ... doubling up to 5 min, each
// shortened by a random 0-20 % (jitter), for as long as it takes. Retry timing
// is kept in memory (a restarted node tries every pending escalation at once);
// the attempt count and the last error are stored.
//
// TLP:RED is never sent: an escalation whose payload carries "tlp":"TLP:RED"
// (at any depth) is marked "withheld" instead. The code that records
// escalations marks them so already; the dispatcher and post_escalation check
// again.
//
// Configuration (service/webhook_config.h) lives in the store's settings and
// is set with `hotline webhook set`. The receiver's certificate is checked
// against the system trust store and the URL's host name, or, for a
// self-signed receiver, pinned by its SHA-256 fingerprint. TLS 1.3 is
// required (tls/context.h).
//
// No Boost here: the HTTP work is net::HttpsClient's (https_client.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hotline/common/time.h"
#include "hotline/net/http_types.h"
#include "hotline/service/webhook_config.h"
#include "hotline/store/records.h"
#include "hotline/store/store.h"

namespace hotline::net {
class HttpsClient;
}  // namespace hotline::net

namespace hotline::node {

// "sha256=" + lowercase hex HMAC-SHA-256(secret, to_string(unix_time) + "." + body).
std::string webhook_signature(std::string_view secret, std::int64_t unix_time,
                              std::string_view body);

// The full signed request for one attempt. `event` is "escalation" or "test".
net::HttpRequest make_webhook_request(const service::WebhookConfig& config,
                                      const service::WebhookTarget& target, std::string_view event,
                                      std::string_view delivery_id, std::string_view body,
                                      std::int64_t unix_now);

struct DeliveryResult {
  bool ok = false;    // the receiver answered 2xx
  int status = 0;     // its HTTP status; 0 when there was none (transport error, not sent)
  std::string error;  // for a duty officer; empty when ok
};

// One attempt, on a fresh connection (short timeouts: connect 5 s, read
// 10 s). Never throws for network or HTTP failures: they come back as
// ok == false with a readable error ("HTTP 500 from hooks.example.org",
// "cannot connect to hooks.example.org:443: Connection refused", "refused the
// TLS session with ...: ..."). An invalid config or a payload that must be
// withheld is also ok == false, status 0, and nothing is sent.
DeliveryResult post_escalation(const service::WebhookConfig& config,
                               const store::EscalationRecord& escalation, std::int64_t unix_now);

// A test event (X-Hotline-Event: test, X-Hotline-Delivery: test-<unix_now>)
// with a small JSON body naming `party`, for `hotline webhook test`.
DeliveryResult post_test_event(const service::WebhookConfig& config, std::string_view party,
                               std::int64_t unix_now);

struct WebhookOptions {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
  std::chrono::milliseconds read_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds first_retry{std::chrono::seconds(1)};
  std::chrono::milliseconds max_retry{std::chrono::minutes(5)};
  // Pending escalations read per round.
  std::size_t batch = 500;
};

// Delivers pending escalations. Retry timing is in memory; everything else
// is in the store.
//
// Ownership and threads: the node's WebhookJob (webhook_job.h) owns one and
// calls run_once() every 500 ms on its "notifier" thread; it blocks while it
// posts. Not thread-safe: one thread calls every member (the constructor and
// destructor may run on another while that thread is not running). `store`
// must outlive it. It keeps at most one HTTPS connection (to the configured
// receiver), closed when the configuration changes or it is destroyed.
class WebhookDispatcher {
 public:
  explicit WebhookDispatcher(store::Store& store, WebhookOptions options = {});
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // One round at time `now`: reads the config (none: leaves everything
  // pending and returns 0), then for each pending escalation whose retry time
  // has come: TLP:RED -> marked "withheld", not sent; otherwise posted, and
  // in a write transaction attempts += 1, last_error set (or cleared), and on
  // 2xx webhook_state = "delivered" with delivered_at = now. When the
  // receiver cannot be reached at all (no HTTP answer), the round ends there
  // so that a dead receiver costs at most one timeout per round. Returns how
  // many escalations were delivered. Store errors propagate.
  int run_once(TimePoint now);

  // The earliest retry time among escalations that failed, if any (a caller
  // may sleep until then; new escalations are due at once).
  std::optional<TimePoint> next_retry() const;

  // Why the last round could not run or failed, for logs: an invalid stored
  // config, or the last delivery error. Empty when the last round was clean.
  const std::string& last_error() const { return last_error_; }

  // The wait after the n-th failed attempt (n >= 1): first_retry * 2^(n-1),
  // capped at max_retry, then shortened by jitter01 * 20 % (jitter01 in
  // [0, 1)).
  static std::chrono::milliseconds retry_delay(const WebhookOptions& options, std::int64_t failures,
                                               double jitter01);

 private:
  store::Store& store_;
  WebhookOptions options_;
  std::optional<service::WebhookConfig> client_config_;
  std::unique_ptr<net::HttpsClient> client_;
  std::map<std::int64_t, TimePoint> retry_at_;  // escalation id -> not before
  std::string last_error_;
  std::uint64_t rng_state_;
};

}  // namespace hotline::node
