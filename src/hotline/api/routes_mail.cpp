// Escalation e-mail over the API (docs/http-api.md, "Escalation e-mail"):
// the SMTP relay's settings and a test message (admins, manage_webhook:
// where the node sends data), and the escalations with how each reached its
// recipients (the desk and admins). The relay's password is write-only: it
// is never in an answer, a log line or the audit trail; GET says whether one
// is set.
#include <algorithm>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "hotline/api/api_json.h"
#include "hotline/api/api_routes.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/node/mail.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/mail_config.h"
#include "hotline/service/need_to_know.h"

namespace hotline::api {
namespace {

using nlohmann::json;
using service::Permission;

[[noreturn]] void mail_request_invalid(const std::string& message) {
  throw Error(ErrorCategory::invalid_input, "mail_invalid", message);
}

json mail_config_json(const std::optional<service::MailConfig>& c) {
  if (!c) return {{"configured", false}};
  json recipients = json::array();
  for (const auto& r : c->recipients) {
    recipients.push_back({{"address", r.address}, {"lang", r.lang}, {"kinds", r.kinds}});
  }
  return {{"configured", true},
          {"host", c->host},
          {"port", c->port},
          {"tls", c->implicit_tls ? "implicit" : "starttls"},
          {"ca_file", c->ca_file},
          {"user", c->user},
          {"password_set", !c->password.empty()},
          {"from", c->from},
          {"base_url", c->base_url},
          {"recipients", recipients}};
}

service::MailRecipient mail_recipient_of(const json& j) {
  if (!j.is_object()) mail_request_invalid("each of 'recipients' must be an object");
  BodyReader r(j);
  r.only({"address", "lang", "kinds"});
  const std::string address = r.text("address"), lang = r.text_or("lang", "en");
  const auto kinds = r.texts("kinds");
  std::string text = address + ":" + lang + ":";
  for (std::size_t i = 0; i < kinds.size(); ++i) text += (i ? "," : "") + kinds[i];
  auto has_separator = [](const std::string& s) {
    return s.find_first_of(":,") != std::string::npos;
  };
  if (has_separator(address) || has_separator(lang) ||
      std::any_of(kinds.begin(), kinds.end(), has_separator)) {
    mail_request_invalid("a recipient's address, language or kind holds ':' or ','");
  }
  return service::parse_mail_recipient(text);
}

// The body of PUT /v1/mail as a configuration. No password given: the one
// stored is kept (when there is a user).
service::MailConfig mail_config_of(const BodyReader& body, store::Store& store) {
  body.only(
      {"host", "port", "tls", "ca_file", "user", "password", "from", "base_url", "recipients"});
  service::MailConfig c;
  c.host = body.text("host");
  const std::string tls = body.text_or("tls", "starttls");
  if (tls != "starttls" && tls != "implicit") {
    mail_request_invalid("'tls' must be starttls or implicit; found '" + escape_text(tls) + "'");
  }
  c.implicit_tls = tls == "implicit";
  const auto port = body.optional_integer("port").value_or(c.implicit_tls ? 465 : 587);
  if (port < 1 || port > 65535) {
    mail_request_invalid("'port' must be 1-65535; found " + std::to_string(port));
  }
  c.port = static_cast<std::uint16_t>(port);
  c.ca_file = body.text_or("ca_file", "");
  if (!c.ca_file.empty() && (c.ca_file.front() != '/' || !std::ifstream(c.ca_file))) {
    mail_request_invalid(
        "'ca_file' must be the absolute path of a PEM file the node can read; "
        "cannot read '" +
        escape_text(c.ca_file) + "'");
  }
  c.user = body.text_or("user", "");
  if (auto pw = body.optional_text("password")) {
    c.password = *pw;
  } else if (!c.user.empty()) {
    c.password = store.snapshot(
        [](store::Transaction& tx) { return tx.get_setting("mail.password").value_or(""); });
  }
  if (c.user.empty() && !c.password.empty() && body.has("password")) {
    mail_request_invalid("a 'password' without a 'user'");
  }
  if (c.user.empty()) c.password.clear();
  c.from = body.text("from");
  c.base_url = body.text("base_url");
  const json& list = body.raw("recipients");
  if (!list.is_array()) mail_request_invalid("'recipients' must be an array of objects");
  for (const auto& r : list) c.recipients.push_back(mail_recipient_of(r));
  service::validate_mail_config(c);
  return c;
}

// What the audit trail says of a configuration: never the password.
std::string mail_audit_detail(const service::MailConfig& c, bool password_given) {
  return c.host + ":" + std::to_string(c.port) + (c.implicit_tls ? " implicit TLS" : " STARTTLS") +
         ", from " + c.from + ", " + std::to_string(c.recipients.size()) + " recipient(s), " +
         (c.user.empty() ? "no AUTH"
                         : "AUTH as " + c.user + (password_given ? ", new password" : "")) +
         (c.ca_file.empty() ? "" : ", CA file " + c.ca_file);
}

void add_mail_settings_routes(std::vector<Route>& routes, RouteContext& ctx) {
  routes.push_back(
      {"GET", "/v1/mail", Access::permission, Permission::manage_webhook, [&ctx](ApiCall&) {
         auto c = ctx.node.store->snapshot(
             [](store::Transaction& tx) { return service::load_mail_config(tx); });
         return json_response(200, mail_config_json(c));
       }});
  routes.push_back(
      {"PUT", "/v1/mail", Access::permission, Permission::manage_webhook, [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         auto c = mail_config_of(body, *ctx.node.store);
         ctx.node.store->transact([&](store::Transaction& tx) {
           service::save_mail_config(tx, c);
           service::audit(tx, call.audit, "mail.set", c.host,
                          escape_text(mail_audit_detail(c, body.has("password"))), call.now);
         });
         return json_response(200, mail_config_json(c));
       }});
  routes.push_back(
      {"DELETE", "/v1/mail", Access::permission, Permission::manage_webhook, [&ctx](ApiCall& call) {
         ctx.node.store->transact([&](store::Transaction& tx) {
           service::clear_mail_config(tx);
           service::audit(tx, call.audit, "mail.clear", "", "", call.now);
         });
         return json_response(200, {{"configured", false}});
       }});
  // A test message now, through the configured relay; the answer says
  // whether the relay accepted it or what it said.
  routes.push_back(
      {"POST", "/v1/mail/test", Access::permission, Permission::manage_webhook,
       [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"to", "lang"});
         const auto r =
             service::parse_mail_recipient(body.text("to") + ":" + body.text_or("lang", "en"));
         auto c = ctx.node.store->snapshot(
             [](store::Transaction& tx) { return service::load_mail_config(tx); });
         if (!c) {
           throw Error(ErrorCategory::conflict, "mail_missing",
                       "no mail is configured (PUT /v1/mail first)");
         }
         node::MailOptions options;
         options.smtp.connect_timeout = std::chrono::seconds(10);
         options.smtp.reply_timeout = std::chrono::seconds(20);
         auto result = node::send_test_mail(*c, ctx.node.party, r.address, r.lang, options);
         const std::string error = escape_text(result.error);
         ctx.node.store->transact([&](store::Transaction& tx) {
           service::audit(tx, call.audit, "mail.test", r.address,
                          result.ok ? "delivered" : "not delivered: " + error, call.now);
         });
         json out = {{"to", r.address},
                     {"relay", c->host + ":" + std::to_string(c->port)},
                     {"delivered", result.ok}};
         if (!result.ok) {
           out["permanent"] = result.permanent;
           out["smtp_code"] = result.code ? json(result.code) : json(nullptr);
           out["error"] = error;
         }
         return json_response(200, out);
       }});
}

json optional_json(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}

json escalation_mail_json(const store::EscalationMailRecord& m) {
  return {{"to", m.recipient},
          {"lang", m.lang},
          {"state", service::mail_delivery_state(m)},
          {"attempts", m.attempts},
          {"at", optional_json(m.done_at)},
          {"next_at", m.state == "pending" ? optional_json(m.next_at) : json(nullptr)},
          {"error", m.last_error},
          {"message_id", m.message_id}};
}

// "failed" when one recipient's failed, else "retrying", "queued",
// "delivered" (all were), or "none" (no e-mail).
std::string mail_summary(const std::vector<store::EscalationMailRecord>& mails) {
  if (mails.empty()) return "none";
  std::string worst = "delivered";
  for (const auto& m : mails) {
    const auto s = service::mail_delivery_state(m);
    if (s == "failed") return s;
    if (s == "retrying" || (s == "queued" && worst == "delivered")) worst = s;
  }
  return worst;
}

// The item an escalation is about, unless it is TLP:RED and the caller is
// not on its need-to-know list (then null: the escalation and its delivery
// show, the item does not).
json escalation_item_json(store::Transaction& tx, const store::EscalationRecord& e,
                          const store::UserRecord& user) {
  auto rec = tx.find_item(e.item_id);
  if (rec && !service::may_read(tx, *rec, user.name)) return nullptr;
  return {{"kind", e.item_kind}, {"id", e.item_id}};
}

void add_escalation_list_route(std::vector<Route>& routes, RouteContext& ctx) {
  routes.push_back(
      {"GET", "/v1/escalations", Access::signed_in, Permission::act_alerts, [&ctx](ApiCall& call) {
         // The desk (operators, supervisors) and the admins who set the channels.
         if (!service::may(call.user(), Permission::manage_webhook)) {
           call.require(Permission::act_alerts);
         }
         const auto offset = static_cast<std::size_t>(call.query_int("offset", 0, 0, 1000000));
         const auto limit = static_cast<std::size_t>(call.query_int("limit", 100, 1, 1000));
         json list = json::array();
         std::int64_t total = 0;
         ctx.node.store->snapshot([&](store::Transaction& tx) {
           total = tx.count_escalations();
           for (const auto& [e, mails] : service::recent_escalation_mails(tx, offset, limit)) {
             json m = json::array();
             for (const auto& mail : mails) m.push_back(escalation_mail_json(mail));
             list.push_back({{"id", e.id},
                             {"at", e.at},
                             {"trigger", e.trigger},
                             {"item", escalation_item_json(tx, e, call.user())},
                             {"webhook",
                              {{"state", e.webhook_state},
                               {"attempts", e.attempts},
                               {"at", optional_json(e.delivered_at)},
                               {"error", e.last_error}}},
                             {"mail_state", mail_summary(mails)},
                             {"mail", m}});
           }
           return 0;
         });
         return json_response(200, {{"escalations", list}, {"total", total}, {"offset", offset}});
       }});
}

}  // namespace

void add_mail_routes(std::vector<Route>& routes, RouteContext& ctx) {
  add_mail_settings_routes(routes, ctx);
  add_escalation_list_route(routes, ctx);
}

}  // namespace hotline::api
