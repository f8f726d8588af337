// The duty desk's routes: alerts, requests, cases and disputes (list, show,
// create, act), attachments (upload, list, download) and desk messages. Each is one
// use case of service/desk_service.h; the route only reads the body, checks
// the permission and shapes the answer.
#include <algorithm>
#include <string>
#include <vector>

#include "hotline/api/api_json.h"
#include "hotline/api/api_routes.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/model/dispute.h"
#include "hotline/model/labels.h"
#include "hotline/service/attachment_service.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/item_timeline.h"
#include "hotline/service/link_service.h"
#include "hotline/service/need_to_know.h"
#include "hotline/service/stix_service.h"
#include "hotline/service/translation_service.h"
#include "hotline/service/translations.h"

namespace hotline::api {
namespace {

using net::HttpResponse;
using nlohmann::json;
using service::Permission;

struct Kind {
  const char* kind;    // service::kAlert ...
  const char* plural;  // path segment
  Permission act;
  // The actions a person may take through the API (creating and escalating
  // are done by their own routes and by the node).
  std::vector<std::string> actions;
};

const std::vector<Kind>& kinds() {
  static const std::vector<Kind> k = {
      {service::kAlert, "alerts", Permission::act_alerts, {"acknowledge", "close"}},
      {service::kRequest,
       "requests",
       Permission::act_requests,
       {"acknowledge", "request_clarification", "give_clarification", "respond_partial",
        "respond_final", "decline", "withdraw", "close", "reopen"}},
      {service::kCase,
       "cases",
       Permission::act_cases,
       {"link_alert", "link_request", "add_indicator", "add_sighting", "add_indicators",
        "add_sightings", "add_entry", "add_attachment", "close", "reopen"}},
      {service::kDispute,
       "disputes",
       Permission::act_disputes,
       {"answer", "add_position", "propose", "accept", "reject", "withdraw"}},
  };
  return k;
}

// The permission an action through the API needs: a dispute's settlement is
// proposed, accepted or rejected by a supervisor (settle_disputes);
// translators add case entries (translations) but take no other action.
Permission permission_for(const Kind& k, const std::string& action) {
  if (k.kind == std::string(service::kDispute) &&
      (action == "propose" || action == "accept" || action == "reject"))
    return Permission::settle_disputes;
  if (action == "add_entry") return Permission::add_case_entries;
  return k.act;
}

model::Priority priority_of(const BodyReader& body, const char* fallback) {
  auto p = body.text_or("priority", fallback);
  if (p == "urgent") return model::Priority::urgent;
  if (p == "normal") return model::Priority::normal;
  throw Error(ErrorCategory::invalid_input, "request_invalid",
              "'priority' must be \"urgent\" or \"normal\"");
}

model::RequestKind request_kind_of(const std::string& k) {
  if (auto kind = model::parse_request_kind(k)) return *kind;
  throw Error(ErrorCategory::invalid_input, "request_invalid",
              "'kind' must be one of: information, preservation, takedown, assistance");
}

// Members left out take the defaults (TLP:AMBER, PAP:AMBER, not graded, no
// codes); the ones given are checked strictly (labels_invalid).
model::Labels labels_of(const BodyReader& body) {
  const json& raw = body.raw("labels");
  if (raw.is_null()) return model::Labels{};
  if (!raw.is_object())
    throw Error(ErrorCategory::invalid_input, "labels_invalid", "'labels' must be an object");
  json full = model::to_json(model::Labels{});
  for (const auto& [key, value] : raw.items()) full[key] = value;
  return model::labels_from_json(full);
}

// Files already uploaded (POST /v1/attachments), as [{sha256, name, size?}]:
// each must be complete in this node's vault, and a given size must match.
std::vector<service::AttachmentNote> attachments_of(service::Node& node, const json& list) {
  std::vector<service::AttachmentNote> out;
  if (list.is_null()) return out;
  if (!list.is_array())
    throw Error(ErrorCategory::invalid_input, "request_invalid", "'attachments' must be an array");
  auto vault = service::open_vault(node);
  for (const auto& f : list) {
    if (!f.is_object() || !f.contains("sha256") || !f["sha256"].is_string() ||
        !f.contains("name") || !f["name"].is_string()) {
      throw Error(ErrorCategory::invalid_input, "request_invalid",
                  "each attachment is {\"sha256\": ..., \"name\": ...} from POST /v1/attachments");
    }
    service::AttachmentNote n;
    n.sha256 = f["sha256"].get<std::string>();
    n.name = f["name"].get<std::string>();
    auto info = vault.info(n.sha256);
    if (!info || !info->complete) {
      throw Error(ErrorCategory::not_found, "attachment_missing",
                  "attachment " + n.sha256 + " is not on this node; upload it first");
    }
    n.size = info->size;
    if (f.contains("size") &&
        (!f["size"].is_number_integer() || f["size"].get<std::int64_t>() != n.size)) {
      throw Error(ErrorCategory::invalid_input, "request_invalid",
                  "attachment " + n.sha256 + ": 'size' does not match the file");
    }
    out.push_back(std::move(n));
  }
  return out;
}

json need_to_know_json(const service::NeedToKnow& n) {
  return {{"item", n.item},
          {"kind", n.kind},
          {"tlp", n.tlp},
          {"author", n.author.empty() ? json(nullptr) : json(n.author)},
          {"people", n.people}};
}

// False for a file attached to a TLP:RED item the caller may not read.
bool may_read_attachment(RouteContext& ctx, ApiCall& call, const std::string& sha256) {
  return ctx.node.store->snapshot([&](store::Transaction& tx) {
    return service::may_read_attachment(tx, sha256, call.user().name);
  });
}

// The full id of an item the caller may read (item_unknown otherwise).
std::string resolve(RouteContext& ctx, ApiCall& call, const char* kind, const std::string& typed) {
  return service::resolve_item_id(*ctx.node.store, kind, typed, &call.user().name);
}

// Who needs to know (TLP:RED, service/need_to_know.h): read, and replace.
void add_need_to_know_routes(std::vector<Route>& routes, RouteContext& ctx, const Kind& k) {
  const std::string base = std::string("/v1/") + k.plural;
  routes.push_back({"GET", base + "/{id}/need-to-know", Access::permission, Permission::read_items,
                    [&ctx, &k](ApiCall& call) {
                      auto id = resolve(ctx, call, k.kind, call.param("id"));
                      return json_response(200, need_to_know_json(service::get_need_to_know(
                                                    *ctx.node.store, id, &call.user().name)));
                    }});
  routes.push_back({"PUT", base + "/{id}/need-to-know", Access::permission, Permission::read_items,
                    [&ctx, &k](ApiCall& call) {
                      BodyReader body(call.body());
                      body.only({"people"});
                      const json& people = body.raw("people");
                      if (!people.is_array() ||
                          !std::all_of(people.begin(), people.end(),
                                       [](const json& p) { return p.is_string(); })) {
                        throw Error(ErrorCategory::invalid_input, "request_invalid",
                                    "'people' must be an array of user names");
                      }
                      auto id = resolve(ctx, call, k.kind, call.param("id"));
                      auto out = service::set_need_to_know(*ctx.node.store, id,
                                                           people.get<std::vector<std::string>>(),
                                                           &call.user(), call.now, &call.audit);
                      return json_response(200, need_to_know_json(out));
                    }});
}

constexpr std::int64_t kMaxOffset = 100000000;

// ?state=a,b: each a state of the kind (request_invalid naming the valid ones).
std::vector<std::string> states_of(const std::string& list, const Kind& k) {
  const auto valid = item_states(k.kind);
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    auto st = list.substr(start, end - start);
    if (std::find(valid.begin(), valid.end(), st) == valid.end()) {
      std::string names;
      for (const auto& v : valid) names += (names.empty() ? "" : ", ") + v;
      throw Error(ErrorCategory::invalid_input, "request_invalid",
                  "'state' is a comma-separated list of " + std::string(k.kind) + " states (" +
                      names + "); found '" + st + "'");
    }
    out.push_back(std::move(st));
    start = end + 1;
  }
  return out;
}

// The list's query: peer, status, direction, limit (as before paging), and
// offset, state, kind, priority, overdue, q. Any of the latter lists in
// creation order (newest first), stable while paging; without them, the
// most recently changed first, as the lists always did.
service::ItemListQuery list_query(ApiCall& call, const Kind& k) {
  service::ItemListQuery q;
  q.kind = k.kind;
  q.peer = call.query_value("peer").value_or("");
  q.status = call.query_choice("status", "open", {"open", "closed", "all"});
  q.direction = call.query_choice("direction", "any", {"any", "incoming", "outgoing"});
  q.limit = static_cast<std::size_t>(call.query_int("limit", 100, 1, 1000));
  q.offset = static_cast<std::size_t>(call.query_int("offset", 0, 0, kMaxOffset));
  if (auto st = call.query_value("state")) q.states = states_of(*st, k);
  if (auto kind = call.query_value("kind")) {
    if (k.kind != std::string(service::kRequest))
      throw Error(ErrorCategory::invalid_input, "request_invalid",
                  "'kind' (a request's kind) filters requests only");
    q.request_kind = std::string(model::to_string(request_kind_of(*kind)));
  }
  if (call.query_value("priority")) {
    if (k.kind != std::string(service::kAlert) && k.kind != std::string(service::kRequest))
      throw Error(ErrorCategory::invalid_input, "request_invalid",
                  "'priority' filters alerts and requests only");
    q.priority = call.query_choice("priority", "", {"urgent", "normal"});
  }
  q.overdue = call.query_choice("overdue", "false", {"true", "false"}) == "true";
  q.title_contains = call.query_value("q").value_or("");
  if (q.title_contains.size() > 200)
    throw Error(ErrorCategory::invalid_input, "request_invalid",
                "'q' is at most 200 bytes; found " + std::to_string(q.title_contains.size()));
  q.by_creation = false;
  for (const char* name : {"offset", "state", "kind", "priority", "overdue", "q"}) {
    if (call.query_value(name)) q.by_creation = true;
  }
  return q;
}

// Translations of the item's texts, kept on this node (translation_service.h).
void add_translation_routes(std::vector<Route>& routes, RouteContext& ctx, const Kind& k) {
  const std::string base = std::string("/v1/") + k.plural;
  routes.push_back(
      {"POST", base + "/{id}/translations", Access::permission, Permission::translate,
       [&ctx, &k](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"field", "lang", "text"});
         service::TranslationInput in{body.text("field"), body.text("lang"), body.text("text")};
         auto id = resolve(ctx, call, k.kind, call.param("id"));
         auto t =
             service::add_translation(*ctx.node.store, id, in, call.user(), call.now, &call.audit);
         json out = service::to_json(t, json::object());
         out["current"] = true;
         return json_response(201, out);
       }});
  routes.push_back({"DELETE", base + "/{id}/translations/{tid}", Access::permission,
                    Permission::translate, [&ctx, &k](ApiCall& call) {
                      auto id = resolve(ctx, call, k.kind, call.param("id"));
                      service::delete_translation(*ctx.node.store, id, call.param("tid"),
                                                  call.user(), call.now, &call.audit);
                      return json_response(200, {{"id", call.param("tid")}, {"deleted", true}});
                    }});
}

void add_kind_routes(std::vector<Route>& routes, RouteContext& ctx, const Kind& k) {
  const std::string base = std::string("/v1/") + k.plural;

  routes.push_back(
      {"GET", base, Access::permission, Permission::read_items, [&ctx, &k](ApiCall& call) {
         auto page = service::list_item_page(*ctx.node.store, list_query(call, k), call.now,
                                             &call.user().name);
         // Only what is returned counts as read.
         service::record_item_reads(*ctx.node.store, &call.audit, page.items, "list", call.now);
         json items = json::array();
         for (const auto& v : page.items) items.push_back(item_json(v));
         return json_response(200, {{"items", items},
                                    {"total", page.total},
                                    {"offset", call.query_int("offset", 0, 0, kMaxOffset)}});
       }});

  routes.push_back({"GET", base + "/{id}", Access::permission, Permission::read_items,
                    [&ctx, &k](ApiCall& call) {
                      auto id = resolve(ctx, call, k.kind, call.param("id"));
                      return json_response(
                          200, item_json(service::show_item(*ctx.node.store, id, call.now,
                                                            &call.audit, &call.user().name)));
                    }});

  add_need_to_know_routes(routes, ctx, k);

  add_translation_routes(routes, ctx, k);

  // Every action of the item in the agreed order, with its envelope, its
  // receipt and whether it is void (service/item_timeline.h).
  routes.push_back({"GET", base + "/{id}/timeline", Access::permission, Permission::read_items,
                    [&ctx, &k](ApiCall& call) {
                      auto id = resolve(ctx, call, k.kind, call.param("id"));
                      auto t = service::item_timeline(*ctx.node.store, id, &call.audit,
                                                      &call.user().name, call.now);
                      json entries = json::array();
                      for (const auto& e : t.entries) entries.push_back(service::to_json(e));
                      return json_response(200, {{"entries", entries}});
                    }});

  routes.push_back(
      {"POST", base + "/{id}/actions", Access::signed_in, Permission::read_items,
       [&ctx, &k](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"action", "args"});
         auto action = body.text("action");
         if (std::find(k.actions.begin(), k.actions.end(), action) == k.actions.end()) {
           std::string list;
           for (const auto& a : k.actions) list += (list.empty() ? "" : ", ") + a;
           throw Error(ErrorCategory::invalid_input, "request_invalid",
                       "'" + action + "' is not an action on " + std::string(k.plural) +
                           "; valid: " + list);
         }
         call.require(permission_for(k, action));
         json args = body.raw("args");
         if (args.is_null()) args = json::object();
         if (!args.is_object())
           throw Error(ErrorCategory::invalid_input, "request_invalid", "'args' must be an object");
         if (args.contains("attachments")) {
           args["attachments"] =
               service::attachments_json(attachments_of(ctx.node, args["attachments"]));
         }
         auto id = resolve(ctx, call, k.kind, call.param("id"));
         auto v = service::act(ctx.node, k.kind, id, action, std::move(args), call.user().name,
                               call.now, &call.audit);
         return json_response(200, item_json(v));
       }});
}

// POST /v1/attachments: the body is the file, stored in the vault.
HttpResponse upload_attachment(RouteContext& ctx, ApiCall& call) {
  if (!service::may(call.user(), Permission::act_alerts) &&
      !service::may(call.user(), Permission::act_requests) &&
      !service::may(call.user(), Permission::act_cases) &&
      !service::may(call.user(), Permission::act_disputes)) {
    call.require(Permission::act_cases);
  }
  auto name = call.query_value("name").value_or("");
  if (!service::is_plain_file_name(name)) {
    throw Error(ErrorCategory::invalid_input, "request_invalid",
                "give the file name as ?name=FILE (1 to 255 bytes, no '/')");
  }
  const std::int64_t limit = ctx.node.store->snapshot(
      [](store::Transaction& tx) { return service::attachment_limit(tx); });
  if (static_cast<std::int64_t>(call.http.body.size()) > limit) {
    throw Error(ErrorCategory::too_large, "attachment_too_large",
                "the file is larger than this node accepts (" + std::to_string(limit) + " bytes)");
  }
  auto info = service::open_vault(ctx.node).import_bytes(call.http.body, limit);
  return json_response(201, {{"sha256", info.sha256}, {"size", info.size}, {"name", name}});
}

// GET /v1/attachments/{sha256}: the whole file, once complete.
HttpResponse download_attachment(RouteContext& ctx, ApiCall& call) {
  const auto& sha = call.param("sha256");
  auto vault = service::open_vault(ctx.node);
  // Attached to a TLP:RED item the caller may not read: as if not here.
  auto info = may_read_attachment(ctx, call, sha) ? vault.info(sha) : std::nullopt;
  if (!info)
    throw Error(ErrorCategory::not_found, "attachment_unknown",
                "no attachment " + sha + " on this node");
  if (!info->complete) {
    throw Error(ErrorCategory::conflict, "attachment_incomplete",
                "the attachment is still arriving: " + std::to_string(info->have) + " of " +
                    std::to_string(info->size) + " bytes so far");
  }
  std::string body;
  body.reserve(static_cast<std::size_t>(info->size));
  for (std::int64_t off = 0; off < info->size; off += vault::kChunkSize) {
    body += vault.read_chunk(sha, off);
  }
  ctx.node.store->transact([&](store::Transaction& tx) {
    service::audit(tx, call.audit, "attachment.read", sha, "", call.now);
  });
  HttpResponse r;
  r.content_type = "application/octet-stream";
  r.headers["Content-Disposition"] = "attachment; filename=\"" + sha + "\"";
  r.body = std::move(body);
  return r;
}

// The subject of a new dispute: {"item": ID} (the full id or 8+ characters
// of an item the caller may read) or {"figure": POINTER, "period_from",
// "period_to"}.
model::DisputeSubject dispute_subject_of(RouteContext& ctx, ApiCall& call, const json& j) {
  model::DisputeSubject s;
  if (j.is_object() && j.size() == 1 && j.contains("item") && j["item"].is_string()) {
    s.item = resolve(ctx, call, "", j["item"].get<std::string>());
    return s;
  }
  if (!j.is_object() || j.size() != 3 || !j.contains("figure") || !j["figure"].is_string() ||
      !j.contains("period_from") || !j["period_from"].is_string() || !j.contains("period_to") ||
      !j["period_to"].is_string()) {
    throw Error(ErrorCategory::invalid_input, "request_invalid",
                "'subject' must be {\"item\": ID} or {\"figure\": \"/...\", \"period_from\": "
                "TIME, \"period_to\": TIME}");
  }
  s.figure = j["figure"].get<std::string>();
  s.period_from = parse_timestamp(j["period_from"].get<std::string>());
  s.period_to = parse_timestamp(j["period_to"].get<std::string>());
  return s;
}

// POST /v1/disputes.
HttpResponse create_dispute(RouteContext& ctx, ApiCall& call) {
  BodyReader body(call.body());
  body.only({"peer", "title", "labels", "ground", "subject", "text", "lang", "attachments"});
  service::DisputeInput in;
  in.title = body.text("title");
  in.labels = labels_of(body);
  const auto ground = model::parse_dispute_ground(body.text("ground"));
  if (!ground)
    throw Error(ErrorCategory::invalid_input, "request_invalid",
                "'ground' must be one of: timeliness, quality, attribution, jurisdiction, other");
  in.ground = *ground;
  in.subject = dispute_subject_of(ctx, call, body.raw("subject"));
  in.text = body.text("text");
  in.lang = body.text_or("lang", "en");
  in.files = attachments_of(ctx.node, body.raw("attachments"));
  auto v = service::open_dispute(ctx.node, body.text("peer"), in, call.user().name, call.now,
                                 &call.audit);
  return json_response(201, item_json(v));
}

// Creating alerts, requests, cases and disputes, approving a request, a case's notes.
void add_create_routes(std::vector<Route>& routes, RouteContext& ctx) {
  routes.push_back(
      {"POST", "/v1/alerts", Access::permission, Permission::act_alerts, [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"to", "priority", "labels", "summary", "details", "attachments"});
         service::AlertInput in;
         in.priority = priority_of(body, "urgent");
         in.labels = labels_of(body);
         in.summary = body.text("summary");
         in.details = body.text_or("details", "");
         auto to = body.text("to");
         in.files = attachments_of(ctx.node, body.raw("attachments"));
         auto v = service::raise_alert(ctx.node, to, in, call.user().name, call.now, &call.audit);
         return json_response(201, item_json(v));
       }});

  routes.push_back(
      {"POST", "/v1/checks", Access::permission, Permission::act_alerts, [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"to"});
         auto v = service::send_check(ctx.node, body.text("to"), call.user().name, call.now,
                                      &call.audit);
         return json_response(201, item_json(v));
       }});

  // A request waits as a draft when the agreement asks for four-eyes; a
  // supervisor then approves it (below).
  routes.push_back(
      {"POST", "/v1/requests", Access::permission, Permission::act_requests, [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"to", "kind", "priority", "labels", "subject", "details", "attachments"});
         service::RequestInput in;
         in.kind = request_kind_of(body.text("kind"));
         in.priority = priority_of(body, "normal");
         in.labels = labels_of(body);
         in.subject = body.text("subject");
         in.details = body.text_or("details", "");
         auto to = body.text("to");
         in.files = attachments_of(ctx.node, body.raw("attachments"));
         auto v = service::create_request(ctx.node, to, in, call.user().name, std::nullopt,
                                          call.now, &call.audit);
         return json_response(201, item_json(v));
       }});

  routes.push_back({"POST", "/v1/requests/{id}/approve", Access::permission,
                    Permission::approve_requests, [&ctx](ApiCall& call) {
                      BodyReader(call.body()).only({});
                      auto id = resolve(ctx, call, service::kRequest, call.param("id"));
                      auto v = service::approve_request(ctx.node, id, call.user().name, call.now,
                                                        &call.audit);
                      return json_response(200, item_json(v));
                    }});

  routes.push_back(
      {"POST", "/v1/cases", Access::permission, Permission::act_cases, [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"peer", "title", "labels"});
         auto v = service::open_case(ctx.node, body.text("peer"), body.text("title"),
                                     labels_of(body), call.user().name, call.now, &call.audit);
         return json_response(201, item_json(v));
       }});

  routes.push_back({"POST", "/v1/disputes", Access::permission, Permission::act_disputes,
                    [&ctx](ApiCall& call) { return create_dispute(ctx, call); }});

  // A private note: stays on this node.
  routes.push_back({"POST", "/v1/cases/{id}/notes", Access::permission, Permission::act_cases,
                    [&ctx](ApiCall& call) {
                      BodyReader body(call.body());
                      body.only({"text"});
                      auto id = resolve(ctx, call, service::kCase, call.param("id"));
                      auto v = service::add_case_note(ctx.node, id, body.text("text"),
                                                      call.user().name, call.now, &call.audit);
                      return json_response(200, item_json(v));
                    }});

  // The case as a STIX 2.1 bundle (service/stix_service.h, docs/interop.md).
  routes.push_back({"GET", "/v1/cases/{id}/stix", Access::permission, Permission::read_items,
                    [&ctx](ApiCall& call) {
                      auto id = resolve(ctx, call, service::kCase, call.param("id"));
                      return json_response(
                          200, service::export_case_stix(ctx.node, id, call.now, &call.audit,
                                                         &call.user().name));
                    }});
}

void add_attachment_routes(std::vector<Route>& routes, RouteContext& ctx) {
  // The body is the file; ?name= its file name. Answers the note to put in
  // an alert's, request's or action's "attachments".
  Route upload{"POST", "/v1/attachments", Access::signed_in, Permission::read_items,
               [&ctx](ApiCall& call) { return upload_attachment(ctx, call); }};
  upload.raw_body = true;
  routes.push_back(std::move(upload));

  routes.push_back(
      {"GET", "/v1/attachments", Access::permission, Permission::read_items, [&ctx](ApiCall& call) {
         json out = json::array();
         for (const auto& a : service::list_attachments(ctx.node)) {
           if (!may_read_attachment(ctx, call, a.sha256)) continue;
           out.push_back({{"sha256", a.sha256},
                          {"size", a.size},
                          {"complete", a.complete},
                          {"have", a.have}});
         }
         return json_response(200, {{"attachments", out}});
       }});

  routes.push_back({"GET", "/v1/attachments/{sha256}", Access::permission, Permission::read_items,
                    [&ctx](ApiCall& call) { return download_attachment(ctx, call); }});
}

void add_message_routes(std::vector<Route>& routes, RouteContext& ctx) {
  routes.push_back(
      {"GET", "/v1/messages", Access::permission, Permission::read_items, [&ctx](ApiCall& call) {
         auto peer = call.query_value("peer").value_or("");
         auto limit = static_cast<std::size_t>(call.query_int("limit", 100, 1, 1000));
         json out = json::array();
         for (const auto& m : service::list_desk_messages(*ctx.node.store, peer, limit)) {
           out.push_back(
               {{"id", m.message.envelope_id},
                {"peer", m.peer},
                {"direction",
                 m.message.direction == store::Direction::inbound ? "incoming" : "outgoing"},
                {"text", m.message.text},
                {"sent_at", m.message.sent_at},
                {"received_at", m.message.received_at ? json(*m.message.received_at)
                                                      : json(m.receipted_at ? json(*m.receipted_at)
                                                                            : json(nullptr))}});
         }
         return json_response(200, {{"messages", out}});
       }});

  routes.push_back(
      {"POST", "/v1/messages", Access::permission, Permission::send_messages,
       [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"to", "text"});
         auto e = service::send_desk_message(ctx.node, body.text("to"), body.text("text"), call.now,
                                             &call.audit);
         return json_response(201, {{"id", e.id}, {"seq", e.seq}, {"sent_at", e.sent_at}});
       }});
}

}  // namespace

void add_item_routes(std::vector<Route>& routes, RouteContext& ctx) {
  for (const auto& k : kinds()) add_kind_routes(routes, ctx, k);
  add_create_routes(routes, ctx);
  add_attachment_routes(routes, ctx);
  add_message_routes(routes, ctx);
}

}  // namespace hotline::api
