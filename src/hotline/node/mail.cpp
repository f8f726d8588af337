#include "hotline/node/mail.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/crypto/random.h"

namespace hotline::node {
namespace {

std::uint64_t mail_splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

net::SmtpResult mail_send_message(const service::MailConfig& config, const std::string& to,
                                  const service::MailText& text, const std::string& message_id,
                                  TimePoint now, const MailOptions& options) {
  net::SmtpEnvelope envelope;
  envelope.from = config.from;
  envelope.to = {to};
  envelope.data = service::mime_message(config.from, to, text, message_id, now);
  return net::send_mail(smtp_server_of(config), envelope, options.smtp);
}

}  // namespace

net::SmtpServer smtp_server_of(const service::MailConfig& config) {
  net::SmtpServer s;
  s.host = config.host;
  s.port = config.port;
  s.tls = config.implicit_tls ? net::SmtpTls::implicit : net::SmtpTls::starttls;
  s.ca_file = config.ca_file;
  s.user = config.user;
  s.password = config.password;
  const auto at = config.from.find('@');
  if (at != std::string::npos) s.helo_name = config.from.substr(at + 1);
  return s;
}

net::SmtpResult send_test_mail(const service::MailConfig& config, const std::string& party,
                               const std::string& to, const std::string& lang,
                               const MailOptions& options) {
  const TimePoint now = now_ms();
  const std::string id = "<hotline.test-" + std::to_string(now.time_since_epoch().count()) + "@" +
                         smtp_server_of(config).helo_name + ">";
  return mail_send_message(config, to, service::test_mail_text(party, lang), id, now, options);
}

MailDispatcher::MailDispatcher(store::Store& store, MailOptions options)
    : store_(store), options_(options) {
  std::array<std::uint8_t, 8> seed{};
  crypto::random_bytes(seed);
  for (auto b : seed) rng_state_ = (rng_state_ << 8) | b;
}

std::chrono::milliseconds MailDispatcher::retry_delay(std::int64_t failures) {
  using std::chrono::milliseconds;
  milliseconds delay = options_.first_retry;
  for (std::int64_t i = 1; i < failures && delay < options_.max_retry; ++i) delay *= 2;
  delay = std::min(delay, options_.max_retry);
  const double jitter = static_cast<double>(mail_splitmix64(rng_state_) >> 11) * 0x1.0p-53;
  auto cut = static_cast<milliseconds::rep>(static_cast<double>(delay.count()) * 0.2 * jitter);
  return std::max(delay - milliseconds(cut), milliseconds(1));
}

int MailDispatcher::run_once(TimePoint now) {
  std::optional<service::MailConfig> config;
  try {
    config = store_.transact([&](store::Transaction& tx) -> std::optional<service::MailConfig> {
      auto c = service::load_mail_config(tx);
      if (c) service::queue_escalation_mails(tx, *c, now, options_.batch);
      return c;
    });
  } catch (const Error& e) {
    if (e.code() != "mail_invalid") throw;
    last_error_ = e.what();
    return 0;
  }
  if (!config) {
    last_error_.clear();
    return 0;
  }
  auto pending = store_.snapshot(
      [this](store::Transaction& tx) { return tx.pending_escalation_mails(options_.batch); });
  last_error_.clear();
  int delivered = 0;
  for (auto& m : pending) {
    const auto key = std::make_pair(m.escalation_id, m.recipient);
    if (auto it = retry_at_.find(key); it != retry_at_.end() && now < it->second) continue;
    auto escalation = store_.snapshot(
        [&m](store::Transaction& tx) { return tx.list_escalations(m.escalation_id - 1, 1); });
    if (escalation.empty() || escalation[0].id != m.escalation_id) continue;
    const auto text = service::escalation_mail_text(escalation[0], m.lang, config->base_url);
    net::SmtpResult result =
        mail_send_message(*config, m.recipient, text, m.message_id, now, options_);
    m.attempts += 1;
    m.next_at.reset();
    if (result.ok) {
      m.state = "delivered";
      m.done_at = format_timestamp(now);
      m.last_error.clear();
      retry_at_.erase(key);
      ++delivered;
    } else if (result.permanent) {
      m.state = "failed";
      m.done_at = format_timestamp(now);
      m.last_error = result.error;
      retry_at_.erase(key);
      last_error_ = result.error;
    } else {
      m.last_error = result.error;
      retry_at_[key] = now + retry_delay(m.attempts);
      m.next_at = format_timestamp(retry_at_[key]);
      last_error_ = result.error;
    }
    store_.transact([&m](store::Transaction& tx) { tx.update_escalation_mail(m); });
    // No SMTP answer at all: the relay is down or unreachable; the others
    // would wait for the same timeout. They get their turn next round.
    if (!result.ok && result.code == 0) break;
  }
  return delivered;
}

void MailJob::step() {
  int n = dispatcher_.run_once(now_ms());
  if (n > 0) spdlog::info("event=mail_delivered count={}", n);
  if (!dispatcher_.last_error().empty() && dispatcher_.last_error() != last_logged_) {
    spdlog::warn("event=mail_failed error=\"{}\"", escape_text(dispatcher_.last_error()));
  }
  last_logged_ = dispatcher_.last_error();
}

}  // namespace hotline::node
