// hotline user add|list|disable|enable|passwd|roles|totp and hotline token
// create|list|revoke: the accounts of the people who use this node (see
// hotline/service/user_service.h and docs/operations.md "Users and roles").
//
// Passwords are never taken on the command line (it shows in `ps` and the
// shell's history): they are typed at the terminal without echo (twice), or
// read from --password-file, or from the first line of standard input when
// it is not a terminal (for scripts).
//
// Every change (add, disable, enable, passwd, roles, totp, token create and
// revoke) is recorded in the audit trail (hotline/service/audit_trail.h)
// under --as NAME, or "os:" + the OS account without it; source "cli".
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/user_service.h"
#include "item_format.h"

namespace hotline::cli {
namespace {

void strip_line_end(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

// One line from standard input; at a terminal, after `prompt` (on stderr)
// and with echo off when `secret`. nullopt at end of input.
std::optional<std::string> read_line(const char* prompt, bool secret) {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  bool restore = false;
  if (tty) {
    std::fprintf(stderr, "%s", prompt);
    std::fflush(stderr);
    if (secret && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
      termios quiet = saved;
      quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
      restore = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (restore) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fprintf(stderr, "\n");
  }
  if (!got) return std::nullopt;
  strip_line_end(line);
  return line;
}

// The new password for `name`: from the file, else the terminal (twice),
// else the first line of standard input.
std::string read_new_password(const std::string& password_file, const std::string& name) {
  if (!password_file.empty()) {
    std::ifstream in(password_file, std::ios::binary);
    if (!in)
      throw Error(ErrorCategory::internal, "io_error",
                  "Cannot read the password file " + password_file + ".");
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string pw = ss.str();
    strip_line_end(pw);  // a trailing newline (from echo or an editor) is not part of it
    if (pw.empty())
      throw Error(ErrorCategory::invalid_input, "password_weak",
                  "The password file " + password_file + " is empty.");
    return pw;
  }
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  const std::string prompt = "New password for " + name + ": ";
  auto first = read_line(prompt.c_str(), true);
  if (!first || first->empty()) {
    throw Error(ErrorCategory::invalid_input, "password_weak",
                "No password given. Type it at a terminal, or use --password-file FILE (or one "
                "line on standard input) in scripts.");
  }
  if (tty) {
    auto again = read_line("Repeat it: ", true);
    if (!again || *again != *first) {
      throw Error(ErrorCategory::invalid_input, "password_weak",
                  "The two passwords differ; nothing was changed.");
    }
  }
  return *first;
}

std::vector<service::Role> parse_roles(const std::vector<std::string>& names) {
  std::vector<service::Role> roles;
  for (const auto& n : names) roles.push_back(service::parse_role(n));
  return roles;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string totp_state(const store::UserRecord& u) {
  if (u.totp_secret) return "yes";
  return u.totp_pending ? "pending" : "no";
}

std::string lock_state(const store::UserRecord& u, TimePoint now) {
  if (!u.locked_until || parse_timestamp(*u.locked_until) <= now) return "-";
  return *u.locked_until;
}

std::string node_issuer(const service::Node& node) {
  return node.party.empty() ? "Hotline" : "Hotline " + node.party;
}

void print_user(const char* what, const store::UserRecord& u) {
  std::printf("%s \"%s\" (%s): roles %s, TOTP %s%s\n", what, u.name.c_str(), u.display_name.c_str(),
              join(u.roles).c_str(), totp_state(u).c_str(), u.disabled ? ", disabled" : "");
}

// A table with columns padded to their widest cell (bytes; names are ASCII).
void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& r : rows) {
    if (width.size() < r.size()) width.resize(r.size(), 0);
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    std::printf("%s\n", line.c_str());
  }
}

constexpr const char* kAsHelp =
    "Your name, recorded in the audit trail as the person making this change; default: your OS "
    "account";

struct UserOpts {
  std::string dir, name, display, password_file, code, as;
  std::vector<std::string> roles;
  bool json = false;
};

CLI::App* with_dir(CLI::App* cmd, UserOpts& o) {
  cmd->add_option("--dir", o.dir, "The node's data directory")->required();
  return cmd;
}

CLI::App* with_name(CLI::App* cmd, UserOpts& o) {
  cmd->add_option("name", o.name, "The user's name (lowercase a-z, 0-9, '.', '_', '-')")
      ->required();
  return cmd;
}

// For the commands that change an account: --as, for the audit trail.
void add_as_option(CLI::App* cmd, std::string& as) {
  cmd->add_option("--as", as, kAsHelp);
}

void add_totp_commands(CLI::App* user) {
  auto* totp = user->add_subcommand(
      "totp", "A second sign-in factor: a 6-digit code from an authenticator app (TOTP).");
  totp->require_subcommand(1);

  auto o = std::make_shared<UserOpts>();
  auto* enable = with_name(
      with_dir(totp->add_subcommand(
                   "enable",
                   "Make a new secret for the user's authenticator app, then ask for one code "
                   "from the app to switch it on (until then sign-in works without a code)."),
               *o),
      *o);
  add_as_option(enable, o->as);
  enable->add_option("--code", o->code, "The app's current code (otherwise asked for)");
  enable->callback([o] {
    auto node = service::open_node(o->dir);
    const auto ctx = cli_audit(o->as);
    auto setup = service::enable_totp(*node.store, o->name, node_issuer(node), now_ms(), &ctx);
    std::printf(
        "Add this account to the authenticator app (scan the URI as a QR code, or type the "
        "secret):\n\n  URI     %s\n  secret  %s\n\n",
        setup.uri.c_str(), setup.secret.c_str());
    std::fflush(stdout);
    std::optional<std::string> code = o->code;
    if (code->empty()) code = read_line("Code shown by the app: ", false);
    if (!code || code->empty()) {
      std::printf(
          "Not switched on yet. When the app shows a code, run:\n  hotline user totp confirm "
          "--dir %s %s --code CODE\n",
          o->dir.c_str(), o->name.c_str());
      return;
    }
    auto u = service::confirm_totp(*node.store, o->name, *code, now_ms(), &ctx);
    print_user("Second factor switched on for", u);
  });

  auto c = std::make_shared<UserOpts>();
  auto* confirm = with_name(
      with_dir(totp->add_subcommand("confirm",
                                    "Switch on the secret made by `totp enable` with one code "
                                    "from the app."),
               *c),
      *c);
  add_as_option(confirm, c->as);
  confirm->add_option("--code", c->code, "The app's current code")->required();
  confirm->callback([c] {
    auto node = service::open_node(c->dir);
    const auto ctx = cli_audit(c->as);
    auto u = service::confirm_totp(*node.store, c->name, c->code, now_ms(), &ctx);
    print_user("Second factor switched on for", u);
  });

  auto d = std::make_shared<UserOpts>();
  auto* disable = with_name(
      with_dir(totp->add_subcommand("disable",
                                    "Remove the user's second factor (e.g. after a lost phone)."),
               *d),
      *d);
  add_as_option(disable, d->as);
  disable->callback([d] {
    auto node = service::open_node(d->dir);
    const auto ctx = cli_audit(d->as);
    auto u = service::disable_totp(*node.store, d->name, now_ms(), &ctx);
    print_user("Second factor removed for", u);
  });
}

void add_user_add(CLI::App* user) {
  auto a = std::make_shared<UserOpts>();
  auto* add = with_name(
      with_dir(user->add_subcommand(
                   "add",
                   "Add a user with one or more roles. The password is asked for at the terminal "
                   "(twice, not shown), or read from --password-file or standard input."),
               *a),
      *a);
  add_as_option(add, a->as);
  add->add_option("--role", a->roles,
                  "A role: operator, supervisor, translator, reviewer or admin (repeat the "
                  "option, or separate with commas)")
      ->required()
      ->delimiter(',');
  add->add_option("--display", a->display, "The full name shown to others (default: the name)");
  add->add_option("--password-file", a->password_file,
                  "Read the password from this file (its first line)");
  add->callback([a] {
    auto node = service::open_node(a->dir);
    // Check everything but the password before asking for it.
    service::validate_user_name(a->name);
    auto roles = parse_roles(a->roles);
    if (node.store->snapshot([&](store::Transaction& tx) { return tx.find_user(a->name); })) {
      throw Error(ErrorCategory::conflict, "user_exists",
                  "There is already a user \"" + a->name + "\".");
    }
    const std::string password = read_new_password(a->password_file, a->name);
    const auto ctx = cli_audit(a->as);
    auto u =
        service::add_user(*node.store, a->name, a->display, roles, password, now_ms(), {}, &ctx);
    print_user("Added user", u);
  });
}

void add_user_list(CLI::App* user) {
  auto l = std::make_shared<UserOpts>();
  auto* list = with_dir(user->add_subcommand("list", "Show the users."), *l);
  list->add_flag("--json", l->json, "Print JSON");
  list->callback([l] {
    auto node = service::open_node(l->dir);
    const TimePoint now = now_ms();
    auto users = service::list_users(*node.store);
    if (l->json) {
      auto arr = nlohmann::json::array();
      for (const auto& u : users) {
        const std::string lock = lock_state(u, now);
        arr.push_back(
            {{"name", u.name},
             {"display_name", u.display_name},
             {"roles", u.roles},
             {"totp", totp_state(u)},
             {"disabled", u.disabled},
             {"failed_logins", u.failed_logins},
             {"locked_until", lock == "-" ? nlohmann::json(nullptr) : nlohmann::json(lock)},
             {"created_at", u.created_at},
             {"updated_at", u.updated_at}});
      }
      std::printf("%s\n", arr.dump(2).c_str());
      return;
    }
    if (users.empty()) {
      std::printf("No users yet. Add one with: hotline user add --dir %s NAME --role admin\n",
                  l->dir.c_str());
      return;
    }
    std::vector<std::vector<std::string>> rows = {
        {"NAME", "DISPLAY", "ROLES", "TOTP", "DISABLED", "LOCKED UNTIL", "LAST CHANGE"}};
    for (const auto& u : users) {
      rows.push_back({u.name, u.display_name, join(u.roles), totp_state(u),
                      u.disabled ? "yes" : "no", lock_state(u, now), u.updated_at});
    }
    print_table(rows);
  });
}

void add_user_disable_enable(CLI::App* user) {
  for (const bool disable : {true, false}) {
    auto o = std::make_shared<UserOpts>();
    auto* cmd = with_name(
        with_dir(user->add_subcommand(
                     disable ? "disable" : "enable",
                     disable ? "Refuse the user's sign-in, API tokens and sessions (the user "
                               "stays in the records)."
                             : "Allow a disabled user again."),
                 *o),
        *o);
    add_as_option(cmd, o->as);
    cmd->callback([o, disable] {
      auto node = service::open_node(o->dir);
      const auto ctx = cli_audit(o->as);
      auto u = service::set_user_disabled(*node.store, o->name, disable, now_ms(), &ctx);
      print_user(disable ? "Disabled user" : "Enabled user", u);
    });
  }
}

void add_user_passwd(CLI::App* user) {
  auto p = std::make_shared<UserOpts>();
  auto* passwd =
      with_name(with_dir(user->add_subcommand("passwd",
                                              "Set a new password for the user (also ends "
                                              "the user's sessions)."),
                         *p),
                *p);
  add_as_option(passwd, p->as);
  passwd->add_option("--password-file", p->password_file,
                     "Read the password from this file (its first line)");
  passwd->callback([p] {
    auto node = service::open_node(p->dir);
    service::get_user(*node.store, p->name);  // user_unknown before asking
    const std::string password = read_new_password(p->password_file, p->name);
    const auto ctx = cli_audit(p->as);
    auto u = service::set_password(*node.store, p->name, password, now_ms(), {}, &ctx);
    print_user("New password set for", u);
  });
}

void add_user_roles(CLI::App* user) {
  auto r = std::make_shared<UserOpts>();
  auto* roles =
      with_name(with_dir(user->add_subcommand("roles", "Replace the user's roles."), *r), *r);
  add_as_option(roles, r->as);
  roles->add_option("--role", r->roles, "A role (repeat the option, or separate with commas)")
      ->required()
      ->delimiter(',');
  roles->callback([r] {
    auto node = service::open_node(r->dir);
    const auto ctx = cli_audit(r->as);
    auto u = service::set_roles(*node.store, r->name, parse_roles(r->roles), now_ms(), &ctx);
    print_user("Roles set for", u);
  });
}

struct TokenOpts {
  std::string dir, user, name, id, as;
  bool json = false;
  bool read_only = false;
  std::optional<std::int64_t> days;
};

void add_token_create(CLI::App* token) {
  auto c = std::make_shared<TokenOpts>();
  auto* create = token->add_subcommand(
      "create", "Make a token for a user. It is printed once; the node keeps only its hash.");
  create->add_option("--dir", c->dir, "The node's data directory")->required();
  create->add_option("--user", c->user, "The user the token acts as")->required();
  create->add_option("--name", c->name, "A label saying what uses it (e.g. siem-export)")
      ->required();
  create->add_option("--days", c->days,
                     "Days until it expires (default: the setting tokens.default_days, 90; at "
                     "most tokens.max_days, 365; see hotline user settings)");
  create->add_flag("--read-only", c->read_only, "The token may only read (GET requests)");
  add_as_option(create, c->as);
  create->callback([c] {
    auto node = service::open_node(c->dir);
    const auto ctx = cli_audit(c->as);
    service::TokenOptions options;
    options.days = c->days;
    options.read_only = c->read_only;
    auto t = service::create_api_token(*node.store, c->user, c->name, now_ms(), &ctx, options);
    std::printf("API token \"%s\" for %s (id %s, expires %s%s):\n\n  %s\n\n", t.record.name.c_str(),
                t.record.user.c_str(), t.record.id.c_str(), t.record.expires_at->c_str(),
                t.record.read_only ? ", read-only" : "", t.token.c_str());
    std::fprintf(stderr,
                 "Copy the token now: it is shown only this once (the node keeps only its "
                 "SHA-256). Anyone holding it acts as %s; store it like a password.\n"
                 "Revoke it with: hotline token revoke --dir %s %s\n",
                 t.record.user.c_str(), c->dir.c_str(), t.record.id.c_str());
  });
}

void add_token_list(CLI::App* token) {
  auto l = std::make_shared<TokenOpts>();
  auto* list = token->add_subcommand("list", "Show the API tokens (never the tokens themselves).");
  list->add_option("--dir", l->dir, "The node's data directory")->required();
  list->add_option("--user", l->user, "Only this user's tokens");
  list->add_flag("--json", l->json, "Print JSON");
  list->callback([l] {
    auto node = service::open_node(l->dir);
    auto tokens = service::list_api_tokens(*node.store, l->user);
    auto opt = [](const std::optional<std::string>& s) { return s ? *s : std::string("-"); };
    if (l->json) {
      auto arr = nlohmann::json::array();
      for (const auto& t : tokens) {
        auto j = [](const std::optional<std::string>& s) {
          return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
        };
        arr.push_back({{"id", t.id},
                       {"user", t.user},
                       {"name", t.name},
                       {"created_at", t.created_at},
                       {"last_used_at", j(t.last_used_at)},
                       {"revoked_at", j(t.revoked_at)},
                       {"expires_at", j(t.expires_at)},
                       {"read_only", t.read_only}});
      }
      std::printf("%s\n", arr.dump(2).c_str());
      return;
    }
    if (tokens.empty()) {
      std::printf(
          "No API tokens. Make one with: hotline token create --dir %s --user NAME "
          "--name LABEL\n",
          l->dir.c_str());
      return;
    }
    std::vector<std::vector<std::string>> rows = {
        {"ID", "USER", "NAME", "CREATED", "LAST USED", "REVOKED"}};
    for (const auto& t : tokens) {
      rows.push_back({t.id, t.user, t.name, t.created_at, opt(t.last_used_at), opt(t.revoked_at)});
    }
    print_table(rows);
  });
}

void add_token_revoke(CLI::App* token) {
  auto r = std::make_shared<TokenOpts>();
  auto* revoke = token->add_subcommand("revoke", "Revoke a token at once (by its id).");
  revoke->add_option("--dir", r->dir, "The node's data directory")->required();
  revoke->add_option("id", r->id, "The token's id (from token list)")->required();
  add_as_option(revoke, r->as);
  revoke->callback([r] {
    auto node = service::open_node(r->dir);
    const auto ctx = cli_audit(r->as);
    auto t = service::revoke_api_token(*node.store, r->id, now_ms(), &ctx);
    std::printf("Revoked API token %s (\"%s\" of %s) at %s\n", t.id.c_str(), t.name.c_str(),
                t.user.c_str(), t.revoked_at->c_str());
  });
}

struct SettingsOpts {
  std::string dir, as, totp_required;
  std::optional<std::int64_t> default_days, max_days;
};

void add_user_settings(CLI::App* user) {
  auto o = std::make_shared<SettingsOpts>();
  auto* cmd = user->add_subcommand(
      "settings", "Show or change the office's account settings (token lifetimes, TOTP).");
  cmd->add_option("--dir", o->dir, "The node's data directory")->required();
  cmd->add_option("--token-default-days", o->default_days,
                  "Lifetime of a new API token when none is asked (tokens.default_days)");
  cmd->add_option("--token-max-days", o->max_days,
                  "Longest lifetime an API token may be given (tokens.max_days)");
  cmd->add_option("--totp-required", o->totp_required,
                  "\"privileged\": supervisors and admins cannot sign in without TOTP; \"none\" "
                  "(accounts.totp_required)")
      ->check(CLI::IsMember({"privileged", "none"}));
  add_as_option(cmd, o->as);
  cmd->callback([o] {
    auto node = service::open_node(o->dir);
    const auto ctx = cli_audit(o->as);
    const TimePoint now = now_ms();
    // The maximum first, so that raising both in one call works.
    if (o->max_days) {
      service::set_account_setting(*node.store, service::kTokenMaxDaysSetting,
                                   std::to_string(*o->max_days), now, &ctx);
    }
    if (o->default_days) {
      service::set_account_setting(*node.store, service::kTokenDefaultDaysSetting,
                                   std::to_string(*o->default_days), now, &ctx);
    }
    if (!o->totp_required.empty()) {
      service::set_account_setting(*node.store, service::kTotpRequiredSetting, o->totp_required,
                                   now, &ctx);
    }
    const auto s = service::account_settings(*node.store);
    std::printf(
        "tokens.default_days    %lld\ntokens.max_days        %lld\n"
        "accounts.totp_required %s\n",
        static_cast<long long>(s.token_default_days), static_cast<long long>(s.token_max_days),
        s.totp_required ? "privileged" : "none");
  });
}

}  // namespace

void add_user_command(CLI::App& app) {
  auto* user = app.add_subcommand(
      "user",
      "The people who sign in to this node's web app and API, and their roles (operator, "
      "supervisor, translator, reviewer, admin; service for a machine account).");
  user->require_subcommand(1);

  add_user_add(user);
  add_user_list(user);
  add_user_disable_enable(user);
  add_user_passwd(user);
  add_user_roles(user);
  add_totp_commands(user);
  add_user_settings(user);
}

void add_token_command(CLI::App& app) {
  auto* token = app.add_subcommand(
      "token", "API tokens: for programs that use the HTTP API as a user (a SIEM export, say).");
  token->require_subcommand(1);
  add_token_create(token);
  add_token_list(token);
  add_token_revoke(token);
}

}  // namespace hotline::cli
