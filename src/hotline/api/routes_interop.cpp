// IODEF v2 on the operators' API (service/iodef_service.h, docs/interop.md):
//   GET  /v1/alerts/{id}/iodef, /v1/requests/{id}/iodef, /v1/cases/{id}/iodef
//        the item as an IODEF document (application/xml)
//   POST /v1/alerts/iodef?peer=P, /v1/cases/iodef?peer=P
//        an IODEF document (application/xml, at most interop::kMaxIodefBytes)
//        imported as an alert raised to P or a case opened with P
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/api/api_json.h"
#include "hotline/api/api_routes.h"
#include "hotline/common/error.h"
#include "hotline/interop/iodef.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/iodef_service.h"

namespace hotline::api {
namespace {

using net::HttpResponse;
using nlohmann::json;
using service::Permission;

HttpResponse xml_response(std::string body) {
  HttpResponse r;
  r.status = 200;
  r.content_type = "application/xml; charset=utf-8";
  r.body = std::move(body);
  return r;
}

void require_xml(const ApiCall& call) {
  auto it = call.http.headers.find("content-type");
  const std::string type = it == call.http.headers.end() ? "" : it->second;
  const std::string base = type.substr(0, type.find(';'));
  if (base != "application/xml" && base != "text/xml") {
    throw Error(ErrorCategory::unsupported_media_type, "unsupported_media_type",
                "an IODEF document is sent as application/xml, not '" +
                    (base.empty() ? std::string("(none)") : base) + "'");
  }
}

std::string peer_of(const ApiCall& call) {
  auto peer = call.query_value("peer");
  if (!peer || peer->empty()) {
    throw Error(ErrorCategory::invalid_input, "request_invalid",
                "name the peer as ?peer=NAME (see GET /v1/peers)");
  }
  return *peer;
}

json imported_json(const service::IodefImported& r) {
  return {{"item", item_json(r.item)}, {"indicators", r.indicators}, {"not_kept", r.not_kept}};
}

void add_export_route(std::vector<Route>& routes, RouteContext& ctx, const char* kind,
                      const char* plural) {
  routes.push_back({"GET", std::string("/v1/") + plural + "/{id}/iodef", Access::permission,
                    Permission::read_items, [&ctx, kind](ApiCall& call) {
                      return xml_response(
                          service::export_item_iodef(ctx.node, kind, call.param("id"), call.now,
                                                     &call.audit, &call.user().name));
                    }});
}

Route import_route(RouteContext& ctx, const char* kind, const char* plural, Permission p) {
  Route r{"POST", std::string("/v1/") + plural + "/iodef", Access::permission, p,
          [&ctx, kind](ApiCall& call) {
            require_xml(call);
            const std::string peer = peer_of(call);
            const auto& bytes = call.http.body;
            auto out = std::string(kind) == service::kAlert
                           ? service::import_iodef_alert(ctx.node, peer, bytes, call.user().name,
                                                         call.now, &call.audit)
                           : service::import_iodef_case(ctx.node, peer, bytes, call.user().name,
                                                        call.now, &call.audit);
            return json_response(201, imported_json(out));
          }};
  r.raw_body = true;
  r.max_body = interop::kMaxIodefBytes;
  return r;
}

}  // namespace

void add_interop_routes(std::vector<Route>& routes, RouteContext& ctx) {
  add_export_route(routes, ctx, service::kAlert, "alerts");
  add_export_route(routes, ctx, service::kRequest, "requests");
  add_export_route(routes, ctx, service::kCase, "cases");
  routes.push_back(import_route(ctx, service::kAlert, "alerts", Permission::act_alerts));
  routes.push_back(import_route(ctx, service::kCase, "cases", Permission::act_cases));
}

}  // namespace hotline::api
