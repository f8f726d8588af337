// hotline mail set|show|clear|test and hotline escalation list: escalation
// e-mail through the office's SMTP relay (see hotline/node/mail.h and
// docs/operations.md, "Escalation e-mail").
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "commands.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/node/mail.h"
#include "hotline/service/node_dir.h"

namespace hotline::cli {
namespace {

std::string mail_password_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ErrorCategory::internal, "io_error", "cannot read the password file " + path);
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) {
    throw Error(ErrorCategory::invalid_input, "mail_invalid",
                "the password file " + path + " is empty");
  }
  return text;
}

struct MailSetOpts {
  std::string dir, host, ca_file, user, password_file, from, base_url;
  int port = 0;
  bool implicit_tls = false;
  bool keep_password = false;
  bool starttls = false;
  std::vector<std::string> to;
};

void mail_run_set(const MailSetOpts& o) {
  auto node = service::open_node(o.dir);
  service::MailConfig c;
  c.host = o.host;
  c.implicit_tls = o.implicit_tls;
  c.port = static_cast<std::uint16_t>(o.port > 0 ? o.port : (o.implicit_tls ? 465 : 587));
  if (o.port < 0 || o.port > 65535) {
    throw Error(ErrorCategory::usage, "usage", "--port must be 1-65535");
  }
  // The node reads it later, from its own working directory.
  if (!o.ca_file.empty()) c.ca_file = std::filesystem::absolute(o.ca_file).string();
  c.user = o.user;
  c.from = o.from;
  c.base_url = o.base_url;
  for (const auto& t : o.to) c.recipients.push_back(service::parse_mail_recipient(t));
  if (!o.password_file.empty()) {
    c.password = mail_password_file(o.password_file);
  } else if (o.keep_password) {
    c.password = node.store->snapshot(
        [](store::Transaction& tx) { return tx.get_setting("mail.password").value_or(""); });
  }
  if (!c.ca_file.empty() && !std::ifstream(c.ca_file)) {
    throw Error(ErrorCategory::invalid_input, "mail_invalid",
                "cannot read the CA file " + c.ca_file);
  }
  node.store->transact([&c](store::Transaction& tx) { service::save_mail_config(tx, c); });
  std::printf(
      "Mail set: %s:%u (%s), from %s, %zu recipient(s).\nTry it: hotline mail test --dir %s --to "
      "ADDRESS\n",
      c.host.c_str(), c.port, c.implicit_tls ? "implicit TLS" : "STARTTLS required", c.from.c_str(),
      c.recipients.size(), o.dir.c_str());
}

std::optional<service::MailConfig> mail_load(const std::string& dir, service::Node& node) {
  (void)dir;
  return node.store->snapshot([](store::Transaction& tx) { return service::load_mail_config(tx); });
}

void mail_show(const std::string& dir, bool as_json) {
  auto node = service::open_node(dir);
  auto c = mail_load(dir, node);
  if (as_json) {
    nlohmann::json j = {{"configured", c.has_value()}};
    if (c) {
      j["host"] = c->host;
      j["port"] = c->port;
      j["tls"] = c->implicit_tls ? "implicit" : "starttls";
      j["ca_file"] = c->ca_file;
      j["user"] = c->user;
      j["from"] = c->from;
      j["base_url"] = c->base_url;
      j["to"] = nlohmann::json::array();
      for (const auto& r : c->recipients) j["to"].push_back(service::format_mail_recipient(r));
    }
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  if (!c) {
    std::printf("No mail configured. Set it with: hotline mail set --dir %s --host ...\n",
                dir.c_str());
    return;
  }
  std::printf("Relay    %s:%u (%s)\n  trust  %s\n  user   %s\nFrom     %s\nWeb app  %s\n",
              c->host.c_str(), c->port, c->implicit_tls ? "implicit TLS" : "STARTTLS required",
              c->ca_file.empty() ? "the system trust store" : c->ca_file.c_str(),
              c->user.empty() ? "(no AUTH)" : (c->user + ", password set, not shown").c_str(),
              c->from.c_str(), c->base_url.c_str());
  for (const auto& r : c->recipients) {
    std::printf("To       %s\n", service::format_mail_recipient(r).c_str());
  }
}

}  // namespace

void add_mail_command(CLI::App& app) {
  auto* mail = app.add_subcommand(
      "mail",
      "Escalations and round reminders by e-mail through the office's SMTP relay (TLS always, "
      "AUTH PLAIN/LOGIN). TLP:RED items' content is never in a mail.");
  mail->require_subcommand(1);

  auto* set = mail->add_subcommand(
      "set",
      "Configure the relay and the recipients. The running node uses it from its next "
      "round; escalations recorded before the first `mail set` are not mailed.");
  auto s = std::make_shared<MailSetOpts>();
  set->add_option("--dir", s->dir, "The node's data directory")->required();
  set->add_option("--host", s->host, "The relay's host name or IP address")->required();
  set->add_option("--port", s->port, "The relay's port (default 587, or 465 with --tls)");
  auto* starttls = set->add_flag("--starttls", s->starttls, "STARTTLS, required (the default)");
  set->add_flag("--tls", s->implicit_tls, "Implicit TLS from the first byte (port 465)")
      ->excludes(starttls);
  set->add_option("--ca-file", s->ca_file,
                  "PEM file of the CA(s) that signed the relay's certificate (default: the "
                  "system trust store); the host name is checked either way");
  set->add_option("--user", s->user, "AUTH user (none: no AUTH)");
  auto* pw = set->add_option("--password-file", s->password_file,
                             "A file holding the AUTH password (sealed in the store)");
  auto* keep =
      set->add_flag("--keep-password", s->keep_password, "Keep the password already configured");
  pw->excludes(keep);
  set->add_option("--from", s->from, "The From address")->required();
  set->add_option("--base-url", s->base_url,
                  "The web app's address, https://HOST[:PORT] (links in the mails)")
      ->required();
  set->add_option("--to", s->to,
                  "A recipient: ADDRESS[:LANG[:KINDS]], LANG en (default) or zh-CN, KINDS "
                  "a comma list of alert, request, round (default: all). Repeat for more.")
      ->required();
  set->callback([s] { mail_run_set(*s); });

  auto* sh = mail->add_subcommand("show", "Show the mail configuration (never the password).");
  auto sho = std::make_shared<std::pair<std::string, bool>>();
  sh->add_option("--dir", sho->first, "The node's data directory")->required();
  sh->add_flag("--json", sho->second, "Print JSON");
  sh->callback([sho] { mail_show(sho->first, sho->second); });

  auto* clear = mail->add_subcommand(
      "clear", "Stop sending mail. What is queued stays queued until mail is set again.");
  auto cdir = std::make_shared<std::string>();
  clear->add_option("--dir", *cdir, "The node's data directory")->required();
  clear->callback([cdir] {
    auto node = service::open_node(*cdir);
    node.store->transact([](store::Transaction& tx) { service::clear_mail_config(tx); });
    std::printf("Mail cleared.\n");
  });

  auto* test = mail->add_subcommand(
      "test",
      "Send a test message now through the relay and print the result. Exit 1 when it "
      "fails.");
  struct TestOpts {
    std::string dir, to, lang = "en";
  };
  auto t = std::make_shared<TestOpts>();
  test->add_option("--dir", t->dir, "The node's data directory")->required();
  test->add_option("--to", t->to, "The address to send it to")->required();
  test->add_option("--lang", t->lang, "en or zh-CN")->capture_default_str();
  test->callback([t] {
    auto node = service::open_node(t->dir);
    auto c = mail_load(t->dir, node);
    if (!c) {
      throw Error(ErrorCategory::not_found, "mail_missing",
                  "no mail configured (hotline mail set --dir " + t->dir + " ...)");
    }
    auto r = service::parse_mail_recipient(t->to + ":" + t->lang);
    auto result = node::send_test_mail(*c, node.party, r.address, r.lang);
    if (!result.ok) {
      throw Error(ErrorCategory::invalid_input, "mail_test_failed",
                  "test mail to " + r.address + " failed: " + escape_text(result.error));
    }
    std::printf("OK: %s:%u accepted the test message to %s.\n", c->host.c_str(), c->port,
                r.address.c_str());
  });
}

void add_escalation_command(CLI::App& app) {
  auto* esc = app.add_subcommand(
      "escalation", "Escalations and round reminders, and how each reached its channels.");
  esc->require_subcommand(1);
  auto* list = esc->add_subcommand(
      "list",
      "Each escalation with its webhook state and each e-mail's state (delivered when, "
      "or why not).");
  struct ListOpts {
    std::string dir;
    bool json = false;
    std::int64_t after = 0;
    std::size_t limit = 100;
  };
  auto o = std::make_shared<ListOpts>();
  list->add_option("--dir", o->dir, "The node's data directory")->required();
  list->add_option("--after", o->after, "Only escalations after this id");
  list->add_option("--limit", o->limit, "At most this many")->capture_default_str();
  list->add_flag("--json", o->json, "Print JSON");
  list->callback([o] {
    auto node = service::open_node(o->dir);
    nlohmann::json out = nlohmann::json::array();
    node.store->snapshot([&](store::Transaction& tx) {
      for (const auto& e : tx.list_escalations(o->after, o->limit)) {
        nlohmann::json mails = nlohmann::json::array();
        for (const auto& m : tx.list_escalation_mails(e.id)) {
          mails.push_back({{"to", m.recipient},
                           {"lang", m.lang},
                           {"state", m.state},
                           {"attempts", m.attempts},
                           {"at", m.done_at ? nlohmann::json(*m.done_at) : nullptr},
                           {"next_at", m.next_at ? nlohmann::json(*m.next_at) : nullptr},
                           {"error", m.last_error},
                           {"message_id", m.message_id}});
        }
        out.push_back({{"id", e.id},
                       {"item", e.item_id},
                       {"kind", e.item_kind},
                       {"trigger", e.trigger},
                       {"at", e.at},
                       {"webhook",
                        {{"state", e.webhook_state},
                         {"attempts", e.attempts},
                         {"at", e.delivered_at ? nlohmann::json(*e.delivered_at) : nullptr},
                         {"error", e.last_error}}},
                       {"mail", mails}});
      }
      return 0;
    });
    if (o->json) {
      std::printf("%s\n", out.dump(2).c_str());
      return;
    }
    for (const auto& e : out) {
      std::printf("%lld  %s  %s %s  %s\n", static_cast<long long>(e["id"].get<std::int64_t>()),
                  e["at"].get<std::string>().c_str(), e["kind"].get<std::string>().c_str(),
                  escape_text(e["item"].get<std::string>()).c_str(),
                  e["trigger"].get<std::string>().c_str());
      const auto& w = e["webhook"];
      std::printf("    webhook  %s%s%s\n", w["state"].get<std::string>().c_str(),
                  w["at"].is_null() ? "" : (" at " + w["at"].get<std::string>()).c_str(),
                  w["error"].get<std::string>().empty()
                      ? ""
                      : ("  (" + escape_text(w["error"].get<std::string>()) + ")").c_str());
      for (const auto& m : e["mail"]) {
        std::printf("    mail     %s  %s%s%s  attempts %lld%s\n",
                    escape_text(m["to"].get<std::string>()).c_str(),
                    m["state"].get<std::string>().c_str(),
                    m["at"].is_null() ? "" : (" at " + m["at"].get<std::string>()).c_str(),
                    m["next_at"].is_null() || m["state"] != "pending"
                        ? ""
                        : (", next try " + m["next_at"].get<std::string>()).c_str(),
                    static_cast<long long>(m["attempts"].get<std::int64_t>()),
                    m["error"].get<std::string>().empty()
                        ? ""
                        : ("  (" + escape_text(m["error"].get<std::string>()) + ")").c_str());
      }
    }
    if (out.empty()) std::printf("No escalations.\n");
  });
}

}  // namespace hotline::cli
