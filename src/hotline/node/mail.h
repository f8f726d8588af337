// Escalation e-mail (docs/operations.md, "Escalation e-mail"): every
// escalation recorded after the mail was configured is queued in the store
// once per matching recipient (service/mail_config.h), then sent through the
// office's SMTP relay (net/smtp_client.h), one connection per message, in
// the recipient's language, with the same Message-ID on every attempt
// (delivery is at least once; a receiver deduplicates on it).
//
// Retries: a message not accepted (relay down, a timeout, TLS refused, a 4xx
// answer, AUTH refused) stays "pending" in the store, its attempts and last
// error recorded, and is tried again after 1 s, 2 s, 4 s, ... up to 5 min
// (less 0-20 % jitter), for as long as it takes; a restarted node tries at
// once. The time of the next try is recorded on the message (next_at) for
// the API and `hotline escalation list`. A 5xx answer to the message itself (MAIL FROM, RCPT TO,
// DATA) is final: "failed", with the relay's answer.
//
// TLP:RED: the message names the item and links to it; its title and
// summary are never in it (service::escalation_mail_text).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "hotline/common/time.h"
#include "hotline/net/smtp_client.h"
#include "hotline/service/mail_config.h"
#include "hotline/store/store.h"

namespace hotline::node {

struct MailOptions {
  net::SmtpOptions smtp;
  std::chrono::milliseconds first_retry{std::chrono::seconds(1)};
  std::chrono::milliseconds max_retry{std::chrono::minutes(5)};
  std::size_t batch = 200;  // escalations queued and messages read per round
};

// The relay of a configuration, for net::send_mail.
net::SmtpServer smtp_server_of(const service::MailConfig& config);

// A test message to `to` now (`hotline mail test`), in `lang`.
net::SmtpResult send_test_mail(const service::MailConfig& config, const std::string& party,
                               const std::string& to, const std::string& lang,
                               const MailOptions& options = {});

// Queues and sends. Ownership and threads: the node's MailJob owns one and
// calls run_once() on its "mailer" thread; not thread-safe (one thread calls
// every member). `store` must outlive it.
class MailDispatcher {
 public:
  explicit MailDispatcher(store::Store& store, MailOptions options = {});

  // One round at `now`: no configuration: nothing. Otherwise queues the new
  // escalations' messages, then sends each pending one whose retry time has
  // come, recording the outcome in its own write transaction. When the relay
  // cannot be reached at all (no SMTP answer), the round ends there. Returns
  // how many were delivered. Store errors propagate.
  int run_once(TimePoint now);

  // Why the last round failed (an invalid stored config, the last delivery
  // error); empty when it was clean.
  const std::string& last_error() const { return last_error_; }

 private:
  std::chrono::milliseconds retry_delay(std::int64_t failures);

  store::Store& store_;
  MailOptions options_;
  std::map<std::pair<std::int64_t, std::string>, TimePoint> retry_at_;
  std::string last_error_;
  std::uint64_t rng_state_ = 0;
};

// MailJob: the dispatcher on the node's "mailer" thread (a Periodic, every
// 500 ms; NodeServer owns both), logging deliveries and new errors.
class MailJob {
 public:
  explicit MailJob(store::Store& store) : dispatcher_(store) {}
  void step();

 private:
  MailDispatcher dispatcher_;
  std::string last_logged_;
};

}  // namespace hotline::node
