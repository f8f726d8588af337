// Indicators (issue 21): adding one to a case and recording a sighting (the
// case actions "add_indicator" and "add_sighting" of service/desk_service.h,
// with the typed fields), and looking a value up across every case the
// caller may read (service/indicator_service.h). The route only reads the
// body, checks the permission and shapes the answer.
#include <string>

#include "hotline/api/api_json.h"
#include "hotline/api/api_routes.h"
#include "hotline/common/error.h"
#include "hotline/model/indicator.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/indicator_service.h"

namespace hotline::api {
namespace {

using nlohmann::json;
using service::Permission;

// The body as the action's args: the members given, the type guessed from
// the value when absent.
json args_of(const BodyReader& body, std::initializer_list<const char*> members) {
  body.only(members);
  json args = body.json();
  if (!args.is_object())
    throw Error(ErrorCategory::invalid_input, "request_invalid", "the body must be an object");
  if (!args.contains("type") && args.contains("value") && args["value"].is_string()) {
    auto guessed = model::guess_indicator_type(args["value"].get<std::string>());
    if (!guessed)
      throw Error(ErrorCategory::invalid_input, "indicator_invalid",
                  "'type' is missing and cannot be guessed from the value; give one of: " +
                      model::list_of(model::kIndicatorTypes));
    args["type"] = *guessed;
  }
  return args;
}

net::HttpResponse case_action(RouteContext& ctx, ApiCall& call, const std::string& action,
                              json args) {
  auto id = service::resolve_item_id(*ctx.node.store, service::kCase, call.param("id"),
                                     &call.user().name);
  auto v = service::act(ctx.node, service::kCase, id, action, std::move(args), call.user().name,
                        call.now, &call.audit);
  return json_response(200, item_json(v));
}

}  // namespace

void add_indicator_routes(std::vector<Route>& routes, RouteContext& ctx) {
  // {type?, value, first_seen?, last_seen?, confidence?, tlp?, note?}
  routes.push_back({"POST", "/v1/cases/{id}/indicators", Access::permission, Permission::act_cases,
                    [&ctx](ApiCall& call) {
                      BodyReader body(call.body());
                      return case_action(ctx, call, "add_indicator",
                                         args_of(body, {"type", "value", "first_seen", "last_seen",
                                                        "confidence", "tlp", "note"}));
                    }});
  // {type?, value, first_seen, last_seen, count?, where?}
  routes.push_back({"POST", "/v1/cases/{id}/sightings", Access::permission, Permission::act_cases,
                    [&ctx](ApiCall& call) {
                      BodyReader body(call.body());
                      return case_action(ctx, call, "add_sighting",
                                         args_of(body, {"type", "value", "first_seen", "last_seen",
                                                        "count", "where"}));
                    }});
  // ?value=V[&type=T]: the indicators that V finds; without value, every
  // indicator of ?case=ID (or of every case).
  routes.push_back(
      {"GET", "/v1/indicators", Access::permission, Permission::read_items, [&ctx](ApiCall& call) {
         const std::string* reader = &call.user().name;
         std::vector<service::IndicatorHit> hits;
         auto value = call.query.find("value");
         if (value != call.query.end()) {
           service::IndicatorLookup q;
           q.value = value->second;
           if (auto t = call.query.find("type"); t != call.query.end()) q.type = t->second;
           q.limit = static_cast<std::size_t>(call.query_int("limit", 500, 1, 10000));
           hits = service::find_indicator(*ctx.node.store, q, reader);
         } else {
           std::string case_id;
           if (auto c = call.query.find("case"); c != call.query.end())
             case_id = service::resolve_item_id(*ctx.node.store, service::kCase, c->second, reader);
           hits = service::list_case_indicators(*ctx.node.store, case_id, reader);
         }
         json out = json::array();
         for (const auto& h : hits) out.push_back(service::to_json(h));
         return json_response(200, {{"indicators", out}});
       }});
}

}  // namespace hotline::api
