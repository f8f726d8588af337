// Administration and oversight: users, API tokens, peers and their
// agreements, the ledger's status, the escalation webhook and the audit
// trail.
#include <optional>
#include <string>
#include <vector>

#include "hotline/api/api_json.h"
#include "hotline/api/api_routes.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/model/agreement.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/ledger_verify.h"
#include "hotline/service/link_service.h"
#include "hotline/service/user_service.h"
#include "hotline/service/webhook_config.h"

namespace hotline::api {
namespace {

using nlohmann::json;
using service::Permission;

std::vector<service::Role> roles_of(const BodyReader& body) {
  std::vector<service::Role> roles;
  for (const auto& r : body.texts("roles")) roles.push_back(service::parse_role(r));
  return roles;
}

json agreement_record_json(const std::optional<store::AgreementRecord>& r) {
  if (!r) return nullptr;
  return {{"digest", r->digest},
          {"amendment", r->amendment},
          {"state", r->state},
          {"proposed_by", r->proposed_by},
          {"proposed_at", r->proposed_at},
          {"accepted_at", r->accepted_at ? json(*r->accepted_at) : json(nullptr)},
          {"document", json::parse(r->document)}};
}

json head_json(const std::optional<store::TreeHeadRecord>& h) {
  if (!h) return nullptr;
  return {{"tree_size", h->size},
          {"root_hash", h->root},
          {"time", h->time},
          {"signature", h->signature}};
}

json verify_json(const service::LedgerVerifyRecord& v) {
  return {{"at", v.at},
          {"by", v.by},
          {"ok", v.ok},
          {"sentence", v.sentence},
          {"tree_size", v.tree_size},
          {"root_hash", v.root},
          {"findings", v.findings}};
}

json last_verify_json(RouteContext& ctx) {
  auto v = ctx.node.store->snapshot(
      [](store::Transaction& tx) { return service::last_ledger_verify(tx); });
  return v ? verify_json(*v) : json(nullptr);
}

void add_user_routes(std::vector<Route>& routes, RouteContext& ctx) {
  routes.push_back(
      {"GET", "/v1/users", Access::permission, Permission::manage_users, [&ctx](ApiCall&) {
         json out = json::array();
         for (const auto& u : service::list_users(*ctx.node.store)) out.push_back(user_json(u));
         return json_response(200, {{"users", out}});
       }});
  routes.push_back(
      {"POST", "/v1/users", Access::permission, Permission::manage_users, [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"name", "display_name", "roles", "password"});
         auto u = service::add_user(
             *ctx.node.store, body.text("name"), body.text_or("display_name", ""), roles_of(body),
             body.text("password"), call.now, ctx.options.policy, &call.audit);
         return json_response(201, user_json(u));
       }});
  routes.push_back({"GET", "/v1/users/{name}", Access::permission, Permission::manage_users,
                    [&ctx](ApiCall& call) {
                      return json_response(
                          200, user_json(service::get_user(*ctx.node.store, call.param("name"))));
                    }});
  // Roles and enabled/disabled; each given member is changed.
  routes.push_back(
      {"PATCH", "/v1/users/{name}", Access::permission, Permission::manage_users,
       [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"roles", "disabled"});
         // Everything is read and checked before anything is written.
         const auto& name = call.param("name");
         std::optional<std::vector<service::Role>> roles;
         if (body.has("roles")) roles = roles_of(body);
         std::optional<bool> disabled;
         if (body.has("disabled")) disabled = body.flag_or("disabled", false);
         if (name == call.user().name && disabled.value_or(false)) {
           throw Error(ErrorCategory::invalid_input, "request_invalid",
                       "you cannot disable your own account");
         }
         // Separation of duties: nobody gives themselves a role; another
         // admin must (issue #17, item 4).
         if (name == call.user().name && roles) {
           throw Error(ErrorCategory::forbidden, "forbidden",
                       "you cannot change your own roles; another admin must");
         }
         if (roles && roles->empty()) {
           throw Error(ErrorCategory::invalid_input, "role_invalid", "give at least one role");
         }
         auto u = service::get_user(*ctx.node.store, name);
         if (roles) {
           u = service::set_roles(*ctx.node.store, name, *roles, call.now, &call.audit);
         }
         if (disabled) {
           u = service::set_user_disabled(*ctx.node.store, name, *disabled, call.now, &call.audit);
         }
         return json_response(200, user_json(u));
       }});
  routes.push_back({"PUT", "/v1/users/{name}/password", Access::permission,
                    Permission::manage_users, [&ctx](ApiCall& call) {
                      BodyReader body(call.body());
                      body.only({"password"});
                      auto u = service::set_password(*ctx.node.store, call.param("name"),
                                                     body.text("password"), call.now,
                                                     ctx.options.policy, &call.audit);
                      return json_response(200, user_json(u));
                    }});

  // ---- tokens ----
  routes.push_back(
      {"GET", "/v1/tokens", Access::permission, Permission::manage_tokens, [&ctx](ApiCall& call) {
         json out = json::array();
         for (const auto& t :
              service::list_api_tokens(*ctx.node.store, call.query_value("user").value_or(""))) {
           out.push_back(token_json(t));
         }
         return json_response(200, {{"tokens", out}});
       }});
  routes.push_back(
      {"POST", "/v1/tokens", Access::permission, Permission::manage_tokens, [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"user", "label", "expires_in_days", "read_only"});
         service::TokenOptions options;
         options.days = body.optional_integer("expires_in_days");
         options.read_only = body.flag_or("read_only", false);
         auto t = service::create_api_token(*ctx.node.store, body.text("user"), body.text("label"),
                                            call.now, &call.audit, options, &call.user());
         json out = token_json(t.record);
         out["token"] = t.token;  // shown once
         return json_response(201, out);
       }});
  routes.push_back({"DELETE", "/v1/tokens/{id}", Access::permission, Permission::manage_tokens,
                    [&ctx](ApiCall& call) {
                      auto t = service::revoke_api_token(*ctx.node.store, call.param("id"),
                                                         call.now, &call.audit);
                      return json_response(200, token_json(t));
                    }});
}

void add_link_routes(std::vector<Route>& routes, RouteContext& ctx) {
  // The desk sees the links' health; admins manage them.
  routes.push_back(
      {"GET", "/v1/peers", Access::signed_in, Permission::read_items, [&ctx](ApiCall& call) {
         if (!service::may(call.user(), Permission::manage_peers)) {
           call.require(Permission::read_items);
         }
         json out = json::array();
         for (const auto& p : service::list_peers(*ctx.node.store)) out.push_back(peer_json(p));
         return json_response(200, {{"peers", out}});
       }});
  routes.push_back(
      {"POST", "/v1/peers", Access::permission, Permission::manage_peers, [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"name", "url", "public_key"});
         auto p = service::add_peer(ctx.node, body.text("name"), body.text("url"),
                                    body.text("public_key"), call.now, &call.audit);
         for (const auto& v : service::list_peers(*ctx.node.store)) {
           if (v.peer.name == p.name) return json_response(201, peer_json(v));
         }
         throw Error(ErrorCategory::not_found, "peer_unknown",
                     "the peer vanished while being added");
       }});

  routes.push_back({"GET", "/v1/peers/{name}/agreement", Access::signed_in, Permission::read_items,
                    [&ctx](ApiCall& call) {
                      if (!service::may(call.user(), Permission::manage_agreement)) {
                        call.require(Permission::read_items);
                      }
                      auto peer = service::find_peer(*ctx.node.store, call.param("name"));
                      auto a = service::agreement_of(*ctx.node.store, peer.link);
                      return json_response(200, {{"peer", peer.name},
                                                 {"current", agreement_record_json(a.current)},
                                                 {"pending", agreement_record_json(a.pending)}});
                    }});
  routes.push_back({"GET", "/v1/peers/{name}/agreement/draft", Access::permission,
                    Permission::manage_agreement, [&ctx](ApiCall& call) {
                      return json_response(200, model::to_json(service::draft_agreement(
                                                    ctx.node, call.param("name"), call.now)));
                    }});
  // Proposes {"agreement": {...}} (default: the draft above).
  routes.push_back({"POST", "/v1/peers/{name}/agreement/proposal", Access::permission,
                    Permission::manage_agreement, [&ctx](ApiCall& call) {
                      BodyReader body(call.body());
                      body.only({"agreement"});
                      const auto& peer = call.param("name");
                      auto doc = body.has("agreement")
                                     ? model::agreement_from_json(body.raw("agreement"))
                                     : service::draft_agreement(ctx.node, peer, call.now);
                      auto r =
                          service::propose_agreement(ctx.node, peer, doc, call.now, &call.audit);
                      return json_response(201, agreement_record_json(r));
                    }});
  routes.push_back({"POST", "/v1/peers/{name}/agreement/accept", Access::permission,
                    Permission::manage_agreement, [&ctx](ApiCall& call) {
                      BodyReader(call.body()).only({});
                      const auto& peer = call.param("name");
                      auto r = service::accept_agreement(ctx.node, peer, call.now, &call.audit);
                      return json_response(200, agreement_record_json(r));
                    }});

  routes.push_back(
      {"GET", "/v1/ledger/status", Access::permission, Permission::read_ledger, [&ctx](ApiCall&) {
         auto s = service::ledger_status(*ctx.node.store);
         json peers = json::array();
         for (const auto& p : s.peers) {
           peers.push_back({{"peer", p.peer.name},
                            {"latest", head_json(p.latest)},
                            {"heads", p.heads},
                            {"unchecked", p.unchecked},
                            {"inconsistent", p.inconsistent}});
         }
         json problems = json::array();
         for (const auto& e : s.inconsistency_events) problems.push_back(event_json(e));
         return json_response(200, {{"log_size", s.log_size},
                                    {"root_hash", s.root},
                                    {"own_head", head_json(s.own_head)},
                                    {"own_heads", s.own_heads},
                                    {"peers", peers},
                                    {"inconsistencies", problems},
                                    {"last_verify", last_verify_json(ctx)}});
       }});

  // The check `hotline ledger verify` runs, from the web app's ledger screen.
  routes.push_back({"POST", "/v1/ledger/verify", Access::permission, Permission::read_ledger,
                    [&ctx](ApiCall& call) {
                      BodyReader(call.body()).only({});
                      auto [report, kept] = service::record_ledger_verify(
                          *ctx.node.store, ctx.node.identity.public_key(), call.user().name,
                          call.now, &call.audit);
                      json findings = json::array();
                      for (const auto& f : report.findings)
                        findings.push_back({{"code", f.code}, {"message", f.message}});
                      json out = verify_json(kept);
                      out["problems"] = findings;
                      return json_response(200, out);
                    }});

  routes.push_back(
      {"GET", "/v1/ledger/heads", Access::permission, Permission::read_ledger,
       [&ctx](ApiCall& call) {
         auto limit = static_cast<std::size_t>(call.query_int("limit", 50, 1, 1000));
         json heads = json::array();
         for (const auto& h :
              service::recent_tree_heads(*ctx.node.store, ctx.node.identity.public_key(), limit)) {
           heads.push_back(
               {{"peer", h.peer.empty() ? json(nullptr) : json(h.peer)},
                {"tree_size", h.head.size},
                {"root_hash", h.head.root},
                {"time", h.head.time},
                {"received_at", h.head.received_at ? json(*h.head.received_at) : json(nullptr)},
                {"signature", h.signature_valid ? "valid" : "invalid"},
                {"status", h.peer.empty() ? json(nullptr) : json(h.head.status)}});
         }
         return json_response(200, {{"heads", heads}});
       }});
}

void add_oversight_routes(std::vector<Route>& routes, RouteContext& ctx) {
  // The secret is never shown again; only whether one is set.
  routes.push_back(
      {"GET", "/v1/webhook", Access::permission, Permission::manage_webhook, [&ctx](ApiCall&) {
         auto c = ctx.node.store->snapshot(
             [](store::Transaction& tx) { return service::load_webhook_config(tx); });
         if (!c) return json_response(200, {{"configured", false}});
         return json_response(
             200, {{"configured", true},
                   {"url", c->url},
                   {"pin_sha256", c->pin_sha256 ? json(*c->pin_sha256) : json(nullptr)}});
       }});
  routes.push_back(
      {"PUT", "/v1/webhook", Access::permission, Permission::manage_webhook, [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"url", "secret", "pin_sha256"});
         service::WebhookConfig c{body.text("url"), body.text("secret"),
                                  body.optional_text("pin_sha256")};
         service::validate_webhook_config(c);
         // Never an internal address from the API (resolved and checked).
         service::check_webhook_destination(c);
         ctx.node.store->transact([&](store::Transaction& tx) {
           service::save_webhook_config(tx, c);
           service::audit(tx, call.audit, "webhook.set", c.url, "", call.now);
         });
         return json_response(200,
                              {{"configured", true},
                               {"url", c.url},
                               {"pin_sha256", c.pin_sha256 ? json(*c.pin_sha256) : json(nullptr)}});
       }});
  routes.push_back({"DELETE", "/v1/webhook", Access::permission, Permission::manage_webhook,
                    [&ctx](ApiCall& call) {
                      ctx.node.store->transact([&](store::Transaction& tx) {
                        service::clear_webhook_config(tx);
                        service::audit(tx, call.audit, "webhook.clear", "", "", call.now);
                      });
                      return json_response(200, {{"configured", false}});
                    }});

  routes.push_back(
      {"GET", "/v1/audit", Access::permission, Permission::manage_users, [&ctx](ApiCall& call) {
         auto after = call.query_int("after", 0, 0, INT64_MAX);
         auto limit = static_cast<std::size_t>(call.query_int("limit", 100, 1, 1000));
         json out = json::array();
         for (const auto& a : service::read_audit(*ctx.node.store, call.user(), after, limit)) {
           out.push_back({{"seq", a.seq},
                          {"at", a.at},
                          {"actor", a.actor},
                          {"source", a.source},
                          {"action", a.action},
                          {"target", a.target},
                          {"detail", a.detail},
                          {"hash", a.hash}});
         }
         return json_response(200, {{"entries", out}});
       }});
}

}  // namespace

void add_admin_routes(std::vector<Route>& routes, RouteContext& ctx) {
  add_user_routes(routes, ctx);
  add_link_routes(routes, ctx);
  add_oversight_routes(routes, ctx);
}

}  // namespace hotline::api
