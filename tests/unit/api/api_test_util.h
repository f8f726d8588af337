// Shared by the operator API tests: a real node (init_node + open_node in a
// scratch directory) with a peer "bravo", one user per role and their API
// tokens, an OperatorApi called in-process (no TLS), request helpers, and a
// fingerprint of everything the store holds, to prove that a refused
// request changed nothing.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "../../support/process.h"
#include "hotline/api/operator_api.h"
#include "hotline/common/time.h"
#include "hotline/crypto/password.h"
#include "hotline/net/http_types.h"
#include "hotline/service/attachment_service.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/link_service.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/user_service.h"
#include "hotline/store/records.h"
#include "hotline/store/store.h"

namespace hotline::api::testing {

using nlohmann::json;

inline const std::string kPassword = "correct horse battery staple";
// Plausible but nonexistent path parameters.
inline const std::string kNoItem = "01934b7e-5f2a-7c3d-9e8f-0a1b2c3d4e5f";
inline const std::string kNoToken = "01934b7e-5f2a-7c3d-9e8f-5f4e3d2c1b0a";
inline const std::string kNoName = "nobody";
inline const std::string kNoSha = std::string(64, '0');
inline const std::string kRemote = "192.0.2.10:40001";

// The five roles, by their names.
inline const std::vector<std::string> kRoleNames = {"operator", "supervisor", "translator",
                                                    "reviewer", "admin"};

// A response, with its JSON body parsed (null when it is not JSON) and the
// error code of an error body ("" otherwise).
struct Reply {
  net::HttpResponse raw;
  int status = 0;
  json body;
  std::string code;
  std::string message;

  std::string header(const std::string& name) const {
    auto it = raw.headers.find(name);
    return it == raw.headers.end() ? std::string() : it->second;
  }
  bool has_header(const std::string& name) const { return raw.headers.count(name) != 0; }
};

inline Reply to_reply(net::HttpResponse r) {
  Reply out;
  out.status = r.status;
  out.body = json::parse(r.body, nullptr, false);
  if (out.body.is_discarded()) out.body = nullptr;
  if (out.body.is_object() && out.body.contains("error") && out.body["error"].is_object()) {
    out.code = out.body["error"].value("code", "");
    out.message = out.body["error"].value("message", "");
  } else if (out.body.is_object() && out.body.contains("error_code")) {  // a TAXII error message
    out.code = out.body.value("error_code", "");
    out.message = out.body.value("description", "");
  }
  out.raw = std::move(r);
  return out;
}

// A request; headers are given with lower-case names (as the server passes
// them). A non-empty body gets Content-Type: application/json unless a
// content-type header is given.
inline net::HttpRequest make_request(const std::string& method, const std::string& target,
                                     const std::string& body = "",
                                     std::map<std::string, std::string> headers = {}) {
  net::HttpRequest r;
  r.method = method;
  r.target = target;
  r.body = body;
  r.headers = std::move(headers);
  if (!body.empty() && !r.headers.count("content-type")) {
    r.headers["content-type"] = "application/json";
  }
  r.remote_address = kRemote;
  return r;
}

inline std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"authorization", "Bearer " + token}};
}

// ---- the store's fingerprint ------------------------------------------------

inline json opt(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}

// Everything the store and the vault hold that a request could change,
// section by section. Tokens leave out last_used_at (a successful
// authentication may record it); sessions are not listable and not included.
inline std::map<std::string, std::string> fingerprint(service::Node& node) {
  std::map<std::string, std::string> out;
  node.store->snapshot([&](store::Transaction& tx) {
    json users = json::array();
    for (const auto& u : tx.list_users()) {
      users.push_back({u.name, u.display_name, u.roles, u.password_hash, opt(u.totp_secret),
                       opt(u.totp_pending), u.totp_last_step, u.disabled, u.failed_logins,
                       opt(u.locked_until), u.created_at, u.updated_at});
    }
    out["users"] = users.dump();
    json tokens = json::array();
    for (const auto& t : tx.list_api_tokens("")) {
      tokens.push_back({t.id, t.user, t.name, t.token_hash, t.created_at, opt(t.revoked_at)});
    }
    out["tokens"] = tokens.dump();
    json items = json::array();
    for (const auto& i : tx.list_items("", "", 1000000)) {
      items.push_back({i.id, i.kind, i.link, i.state, i.tlp, i.title, i.document, i.actions,
                       i.created_at, i.updated_at});
    }
    out["items"] = items.dump();
    json audit = json::array();
    for (const auto& a : tx.list_audit(0, 1000000)) {
      audit.push_back(
          {a.seq, a.at, a.actor, a.source, a.action, a.target, a.detail, a.prev, a.hash});
    }
    out["audit"] = audit.dump();
    json events = json::array();
    for (const auto& e : tx.list_events(0, 1000000)) {
      events.push_back({e.id, e.at, e.kind, e.link, e.detail});
    }
    out["events"] = events.dump();
    json peers = json::array();
    json links = json::object();
    for (const auto& p : tx.list_peers()) {
      peers.push_back({p.name, p.public_key, p.url, p.link, p.added_at});
      json agreements = json::array();
      for (const auto& a : tx.list_agreements(p.link)) {
        agreements.push_back({a.digest, a.amendment, a.document, a.state, opt(a.accepted_at)});
      }
      links[p.link] = {{"agreements", agreements},
                       {"outbox", tx.outbox_length(p.link)},
                       {"out", tx.last_seq(p.link, store::Direction::outbound)},
                       {"in", tx.last_seq(p.link, store::Direction::inbound)},
                       {"heads", tx.list_tree_heads(p.link).size()}};
    }
    out["peers"] = peers.dump();
    out["links"] = links.dump();
    json settings = json::object();
    std::vector<std::string> keys = {"party",
                                     "public_key",
                                     "created_at",
                                     "webhook.url",
                                     "webhook.secret",
                                     "webhook.pin_sha256",
                                     service::kAuditHeadSetting,
                                     service::kAttachmentLimitSetting};
    for (const auto& p : tx.list_peers()) keys.push_back("ledger_audit_seq:" + p.link);
    for (const auto& k : keys) settings[k] = opt(tx.get_setting(k));
    out["settings"] = settings.dump();
    json messages = json::array();
    for (const auto& m : tx.list_desk_messages("", 1000000)) {
      messages.push_back({m.envelope_id, m.link, m.seq, m.text, m.sent_at});
    }
    out["messages"] = messages.dump();
    json escalations = json::array();
    for (const auto& e : tx.list_escalations(0, 1000000)) {
      escalations.push_back({e.id, e.item_id, e.trigger, e.webhook_state, e.attempts});
    }
    out["escalations"] = escalations.dump();
    json transfers = json::array();
    for (const auto& a : tx.list_attachment_links("", 1000000)) {
      transfers.push_back({a.sha256, a.link, a.size, a.state, a.updated_at});
    }
    out["attachment_links"] = transfers.dump();
    out["ledger"] = json({{"envelopes", tx.count_envelopes()},
                          {"leaves", tx.ledger_size()},
                          {"own_heads", tx.list_tree_heads("").size()}})
                        .dump();
  });
  json vault = json::array();
  for (const auto& a : service::list_attachments(node)) {
    vault.push_back({a.sha256, a.size, a.complete, a.have});
  }
  out["vault"] = vault.dump();
  return out;
}

// Names the sections that differ (empty: none).
inline std::string changed_sections(const std::map<std::string, std::string>& before,
                                    const std::map<std::string, std::string>& after) {
  std::string out;
  for (const auto& [section, value] : before) {
    auto it = after.find(section);
    if (it == after.end() || it->second != value) {
      out += section + ": before " + value + "\n  after " +
             (it == after.end() ? std::string("<missing>") : it->second) + "\n";
    }
  }
  return out;
}

// The sections that changed but for the audit trail (its entries and its
// head setting): a failed sign-in is recorded there and nowhere else.
inline std::string changed_besides_audit(std::map<std::string, std::string> before,
                                         std::map<std::string, std::string> after) {
  for (auto* m : {&before, &after}) {
    m->erase("audit");
    auto settings = json::parse((*m)["settings"]);
    settings.erase("audit.head");
    (*m)["settings"] = settings.dump();
  }
  return changed_sections(before, after);
}

// ---- a node with one user per role ------------------------------------------

struct Account {
  std::string name;
  std::string token;
  std::string token_id;
};

// A node "alpha" in a scratch directory, with a peer "bravo" (another
// init_node'd directory's key; its URL leads nowhere), users "op", "sup",
// "tr", "rev", "adm" holding exactly one role each plus "desk" (operator, for
// signing in), a disabled user "gone" with a token, and a revoked token of
// "op". Passwords are all kPassword, hashed at the cheapest cost.
class ApiWorld {
 public:
  explicit ApiWorld(OperatorApiOptions options = default_options()) {
    service::init_node(dir_ / "alpha", "alpha");
    service::init_node(dir_ / "bravo", "bravo");
    service::init_node(dir_ / "charlie", "charlie");
    node_ = std::make_unique<service::Node>(service::open_node(dir_ / "alpha"));
    policy_ = options.policy;
    const TimePoint now = now_ms();
    bravo_key_ = service::read_public_key(dir_ / "bravo").encoded();
    charlie_key_ = service::read_public_key(dir_ / "charlie").encoded();
    service::add_peer(*node_, "bravo", "https://127.0.0.1:1", bravo_key_, now);
    const std::vector<std::pair<std::string, service::Role>> people = {
        {"op", service::Role::operator_},  {"sup", service::Role::supervisor},
        {"tr", service::Role::translator}, {"rev", service::Role::reviewer},
        {"adm", service::Role::admin},     {"desk", service::Role::operator_},
        {"gone", service::Role::admin}};
    for (const auto& [name, role] : people) {
      service::add_user(store(), name, "", {role}, kPassword, now, policy_);
      auto t = service::create_api_token(store(), name, "test", now);
      accounts_[name] = Account{name, t.token, t.record.id};
    }
    for (std::size_t i = 0; i < kRoleNames.size(); ++i) {
      by_role_[kRoleNames[i]] = accounts_[people[i].first];
    }
    service::set_user_disabled(store(), "gone", true, now);
    auto revoked = service::create_api_token(store(), "op", "revoked", now);
    service::revoke_api_token(store(), revoked.record.id, now);
    revoked_ = Account{"op", revoked.token, revoked.record.id};
    api_ = std::make_unique<OperatorApi>(*node_, std::move(options));
  }
  ~ApiWorld() {
    api_.reset();
    node_.reset();
  }
  ApiWorld(const ApiWorld&) = delete;
  ApiWorld& operator=(const ApiWorld&) = delete;

  // Cheap hashing, and sign-in limits high enough for many refused
  // credentials in a row (tests of the limits set their own).
  static OperatorApiOptions default_options() {
    OperatorApiOptions o;
    o.info = OperatorInfo{"alpha", "0.0.0-test", "", ""};
    o.policy.password_cost = crypto::kTestPasswordCost;
    o.sign_in = service::LoginRateLimiter::Limits{100000, std::chrono::milliseconds(1), 10000};
    return o;
  }

  OperatorApi& api() { return *api_; }
  service::Node& node() { return *node_; }
  store::Store& store() { return *node_->store; }
  const service::AccountPolicy& policy() const { return policy_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  const std::string& charlie_key() const { return charlie_key_; }

  const Account& account(const std::string& user) { return accounts_.at(user); }
  const Account& role(const std::string& role_name) { return by_role_.at(role_name); }
  const Account& disabled() { return accounts_.at("gone"); }
  const Account& revoked() const { return revoked_; }

  Reply send(const net::HttpRequest& r) { return to_reply(api_->handle(r)); }
  Reply send(const std::string& method, const std::string& target, const std::string& body = "",
             std::map<std::string, std::string> headers = {}) {
    return send(make_request(method, target, body, std::move(headers)));
  }
  Reply as(const std::string& token, const std::string& method, const std::string& target,
           const std::string& body = "") {
    return send(method, target, body, bearer(token));
  }

  std::map<std::string, std::string> fingerprint() { return testing::fingerprint(*node_); }

 private:
  hotline::testing::ScratchDir dir_;
  std::unique_ptr<service::Node> node_;
  service::AccountPolicy policy_;
  std::string bravo_key_, charlie_key_;
  std::map<std::string, Account> accounts_;
  std::map<std::string, Account> by_role_;
  Account revoked_;
  std::unique_ptr<OperatorApi> api_;
};

}  // namespace hotline::api::testing
