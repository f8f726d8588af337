// Review rounds (docs/review.md, "Review rounds"): list, show and propose
// rounds, their shared actions (edit and accept the agenda, propose and
// sign the minutes, complete an action item, cancel), and the action items
// of every closed round. Each is one use case of service/desk_service.h
// (rounds are items of kind "round"); reading takes read_items, every
// change prepare_rounds.
#include <algorithm>
#include <string>
#include <vector>

#include "hotline/api/api_json.h"
#include "hotline/api/api_routes.h"
#include "hotline/common/error.h"
#include "hotline/service/desk_service.h"

namespace hotline::api {
namespace routes_rounds {

using nlohmann::json;
using service::Permission;

const std::vector<std::string>& round_actions() {
  static const std::vector<std::string> a = {"edit_agenda",          "accept_agenda",
                                             "propose_minutes",      "accept_minutes",
                                             "complete_action_item", "cancel"};
  return a;
}

[[noreturn]] void invalid(const std::string& message) {
  throw Error(ErrorCategory::invalid_input, "request_invalid", message);
}

std::vector<model::Participant> participants_of(const json& list) {
  std::vector<model::Participant> out;
  if (list.is_null()) return out;
  if (!list.is_array()) invalid("'participants' must be an array");
  for (const auto& p : list) {
    if (!p.is_object() || !p.contains("name") || !p["name"].is_string())
      invalid("each participant is {\"name\", \"role\", \"party\": \"ours\"|\"theirs\"}");
    const std::string party = p.value("party", "ours");
    if (party != "ours" && party != "theirs")
      invalid("a participant's 'party' is \"ours\" or \"theirs\"");
    const json role = p.value("role", json(""));
    if (!role.is_string()) invalid("a participant's 'role' must be a string");
    out.push_back({p["name"].get<std::string>(), role.get<std::string>(),
                   party == "ours" ? model::Side::ours : model::Side::theirs});
  }
  return out;
}

service::RoundInput round_input(const BodyReader& body) {
  body.only({"peer", "title", "period_from", "period_to", "meeting_at", "place", "participants",
             "agenda"});
  service::RoundInput in;
  in.plan.title = body.text("title");
  in.plan.period_from = parse_timestamp(body.text("period_from"));
  in.plan.period_to = parse_timestamp(body.text("period_to"));
  in.plan.meeting_at = parse_timestamp(body.text("meeting_at"));
  in.plan.place = body.text_or("place", "");
  in.plan.participants = participants_of(body.raw("participants"));
  for (const auto& t : body.texts("agenda")) in.plan.agenda.push_back({t, "party", ""});
  return in;
}

std::string resolve_round(RouteContext& ctx, ApiCall& call, const std::string& typed) {
  return service::resolve_item_id(*ctx.node.store, service::kRound, typed, &call.user().name);
}

// Every action item of the rounds the caller may read: its round, number
// (from 1), owner, text, due date, and whether it is done or overdue.
json action_items(RouteContext& ctx, ApiCall& call, const std::string& peer, bool open_only) {
  json out = json::array();
  for (const auto& v : service::list_items(*ctx.node.store, service::kRound, peer, 100000, call.now,
                                           nullptr, &call.user().name)) {
    if (v.record.state != "closed") continue;
    const auto& items = v.document["action_items"];
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (open_only && items[i].value("done", false)) continue;
      json a = items[i];
      a["round"] = v.record.id;
      a["round_title"] = v.record.title;
      a["peer"] = v.peer;
      a["number"] = i + 1;
      out.push_back(std::move(a));
    }
  }
  return out;
}

void add_read_routes(std::vector<Route>& routes, RouteContext& ctx) {
  routes.push_back(
      {"GET", "/v1/rounds", Access::permission, Permission::read_items, [&ctx](ApiCall& call) {
         auto peer = call.query_value("peer").value_or("");
         auto status = call.query_choice("status", "open", {"open", "closed", "all"});
         auto limit = static_cast<std::size_t>(call.query_int("limit", 100, 1, 1000));
         std::vector<service::ItemView> shown;
         for (auto& v : service::list_items(*ctx.node.store, service::kRound, peer, 100000,
                                            call.now, nullptr, &call.user().name)) {
           if (shown.size() >= limit) break;
           const bool open = service::is_open(v);
           if ((status == "open" && !open) || (status == "closed" && open)) continue;
           shown.push_back(std::move(v));
         }
         service::record_item_reads(*ctx.node.store, &call.audit, shown, "list", call.now);
         json items = json::array();
         for (const auto& v : shown) items.push_back(item_json(v));
         return json_response(200, {{"items", items}});
       }});

  routes.push_back(
      {"GET", "/v1/rounds/{id}", Access::permission, Permission::read_items, [&ctx](ApiCall& call) {
         auto id = resolve_round(ctx, call, call.param("id"));
         return json_response(200, item_json(service::show_item(*ctx.node.store, id, call.now,
                                                                &call.audit, &call.user().name)));
       }});

  routes.push_back({"GET", "/v1/action-items", Access::permission, Permission::read_items,
                    [&ctx](ApiCall& call) {
                      auto peer = call.query_value("peer").value_or("");
                      auto status = call.query_choice("status", "open", {"open", "all"});
                      return json_response(
                          200, {{"action_items", action_items(ctx, call, peer, status == "open")}});
                    }});
}

void add_change_routes(std::vector<Route>& routes, RouteContext& ctx) {
  routes.push_back(
      {"POST", "/v1/rounds", Access::permission, Permission::prepare_rounds, [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         auto in = round_input(body);
         auto v = service::propose_round(ctx.node, body.text("peer"), in, call.user().name,
                                         call.now, &call.audit);
         return json_response(201, item_json(v));
       }});

  routes.push_back({"POST", "/v1/rounds/{id}/actions", Access::permission,
                    Permission::prepare_rounds, [&ctx](ApiCall& call) {
                      BodyReader body(call.body());
                      body.only({"action", "args"});
                      auto action = body.text("action");
                      const auto& valid = round_actions();
                      if (std::find(valid.begin(), valid.end(), action) == valid.end()) {
                        std::string list;
                        for (const auto& a : valid) list += (list.empty() ? "" : ", ") + a;
                        invalid("'" + action + "' is not an action on rounds; valid: " + list);
                      }
                      json args = body.raw("args");
                      if (args.is_null()) args = json::object();
                      if (!args.is_object()) invalid("'args' must be an object");
                      auto id = resolve_round(ctx, call, call.param("id"));
                      auto v = service::act(ctx.node, service::kRound, id, action, std::move(args),
                                            call.user().name, call.now, &call.audit);
                      return json_response(200, item_json(v));
                    }});
}

}  // namespace routes_rounds

void add_round_routes(std::vector<Route>& routes, RouteContext& ctx) {
  routes_rounds::add_read_routes(routes, ctx);
  routes_rounds::add_change_routes(routes, ctx);
}

}  // namespace hotline::api
