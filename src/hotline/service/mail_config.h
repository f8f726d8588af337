// Escalation e-mail: the SMTP relay an office configured and who receives
// which escalations (node/mail.h sends them; docs/operations.md, "Escalation
// e-mail"). Lives in the store's settings (mail.*; the password sealed like
// the webhook secret, store/sealed_secrets.h) and is set with `hotline mail
// set`.
//
// Recipients are addresses configured here, each with its language (en or
// zh-CN) and the kinds of escalation it receives (alert, request, round;
// none named: all). Users have no e-mail address or language in the store,
// and an office's duty desk is usually a shared mailbox: the addresses are
// the office's decision, not each user's.
//
// Also what a message says (escalation_mail_text, mime_message): pure
// functions. Thread-safety: none needed (no state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/store/records.h"
#include "hotline/store/store.h"

namespace hotline::service {

struct MailRecipient {
  std::string address;             // local@domain, ASCII
  std::string lang = "en";         // "en" or "zh-CN"
  std::vector<std::string> kinds;  // "alert", "request", "round"; empty: all
  bool operator==(const MailRecipient&) const = default;
};

struct MailConfig {
  std::string host;
  std::uint16_t port = 587;
  bool implicit_tls = false;  // TLS from the first byte (465); else STARTTLS, required
  std::string ca_file;        // empty: the system trust store
  std::string user;           // empty: no AUTH
  std::string password;
  std::string from;      // the From address (and MAIL FROM)
  std::string base_url;  // the web app, https://HOST[:PORT]; links point into it
  std::vector<MailRecipient> recipients;
  bool operator==(const MailConfig&) const = default;
};

// "duty@office.example", "duty@office.example:zh-CN" or
// "duty@office.example:zh-CN:alert,request" -> a recipient. Throws
// "mail_invalid" saying what is wrong.
MailRecipient parse_mail_recipient(std::string_view text);
std::string format_mail_recipient(const MailRecipient& r);

// Throws "mail_invalid": no host, a bad address, a user without a password,
// a base URL that is not http(s)://, no recipients, an unknown language or
// kind.
void validate_mail_config(const MailConfig& config);

// Settings mail.host, mail.port, mail.tls ("starttls" | "implicit"),
// mail.ca_file, mail.user, mail.password, mail.from, mail.base_url, mail.to
// (JSON). load: nullopt when no host is set; an invalid stored config throws
// "mail_invalid". save validates first and, the first time, starts the
// queue after the last escalation recorded so far (older ones are not
// mailed). clear: no more mail; what is queued stays queued.
std::optional<MailConfig> load_mail_config(store::Transaction& tx);
void save_mail_config(store::Transaction& tx, const MailConfig& config);
void clear_mail_config(store::Transaction& tx);

// The escalations recorded after the queue's position get their e-mails
// queued (one per matching recipient, state "pending"); returns how many
// were queued. At most `limit` escalations per call.
int queue_escalation_mails(store::Transaction& tx, const MailConfig& config, TimePoint now,
                           std::size_t limit);

// A page of escalations, newest first, each with its e-mails (GET
// /v1/escalations, `hotline escalation list`), and how many there are.
struct EscalationMails {
  store::EscalationRecord escalation;
  std::vector<store::EscalationMailRecord> mails;
};
std::vector<EscalationMails> recent_escalation_mails(store::Transaction& tx, std::size_t offset,
                                                     std::size_t limit);

// One e-mail's state as people read it: "delivered", "failed", "retrying"
// (pending after at least one failed attempt) or "queued" (not tried yet).
std::string mail_delivery_state(const store::EscalationMailRecord& m);

// Which recipients an escalation goes to: its kind is the trigger's first
// word ("alert", "request", "round").
bool mail_recipient_wants(const MailRecipient& r, const store::EscalationRecord& e);

// "<hotline.esc-42.<hash of recipient>@<from's domain>>": the same on every
// attempt, so a receiver can deduplicate.
std::string escalation_message_id(std::int64_t escalation_id, std::string_view recipient,
                                  std::string_view from);

struct MailText {
  std::string subject;
  std::string plain;
  std::string html;
};

// What an escalation's e-mail says, in `lang` ("en" or "zh-CN"): what is
// overdue, since when, and a link to the item in the web app. An item
// labelled TLP:RED (or whose payload cannot be checked) gets no title and no
// summary: only that something needs attention and the link.
MailText escalation_mail_text(const store::EscalationRecord& e, std::string_view lang,
                              std::string_view base_url);
MailText test_mail_text(std::string_view party, std::string_view lang);

// The whole message, CRLF lines, 7-bit: multipart/alternative (text/plain,
// text/html, both UTF-8 in base64), the Subject encoded per RFC 2047,
// Message-ID and Date (RFC 5322).
std::string mime_message(const std::string& from, const std::string& to, const MailText& text,
                         const std::string& message_id, TimePoint date);

}  // namespace hotline::service
