// IODEF v2 on the operators' API (service/iodef_service.h, docs/interop.md):
//   GET  /v1/alerts/{id}/iodef, /v1/requests/{id}/iodef, /v1/cases/{id}/iodef
//        the item as an IODEF document (application/xml)
//   POST /v1/alerts/iodef?peer=P, /v1/cases/iodef?peer=P
//        an IODEF document (application/xml, at most interop::kMaxIodefBytes)
//        imported as an alert raised to P or a case opened with P
// STIX 2.1 on the same API (service/stix_service.h):
//   POST /v1/cases/{id}/stix
//        a STIX 2.1 bundle (application/json or application/stix+json, at
//        most kMaxStixBodyBytes) imported into the case; answers the summary
#include <streambuf>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/api/api_json.h"
#include "hotline/api/api_routes.h"
#include "hotline/common/error.h"
#include "hotline/interop/iodef.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/iodef_service.h"
#include "hotline/service/stix_service.h"

namespace hotline::api {
namespace {

// The largest bundle POST /v1/cases/{id}/stix takes (larger: 413 before it
// is read); a larger file goes through `hotline case import --format stix`.
constexpr std::size_t kMaxStixBodyBytes = 64 * 1024 * 1024;

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

RouteHandler export_handler(RouteContext& ctx, const char* kind) {
  return [&ctx, kind](ApiCall& call) {
    return xml_response(service::export_item_iodef(ctx.node, kind, call.param("id"), call.now,
                                                   &call.audit, &call.user().name));
  };
}

RouteHandler import_handler(RouteContext& ctx, const char* kind) {
  return [&ctx, kind](ApiCall& call) {
    require_xml(call);
    const std::string peer = peer_of(call);
    const auto& bytes = call.http.body;
    auto out = std::string(kind) == service::kAlert
                   ? service::import_iodef_alert(ctx.node, peer, bytes, call.user().name, call.now,
                                                 &call.audit)
                   : service::import_iodef_case(ctx.node, peer, bytes, call.user().name, call.now,
                                                &call.audit);
    return json_response(201, imported_json(out));
  };
}

// A raw body (XML, not JSON) of at most interop::kMaxIodefBytes.
Route xml_body(Route r) {
  r.raw_body = true;
  r.max_body = interop::kMaxIodefBytes;
  return r;
}

// The request body read as a stream, without a copy.
class BodyStream : public std::streambuf {
 public:
  explicit BodyStream(const std::string& body) {
    char* p = const_cast<char*>(body.data());  // only read: get area
    setg(p, p, p + body.size());
  }
};

void require_stix_json(const ApiCall& call) {
  auto it = call.http.headers.find("content-type");
  const std::string type = it == call.http.headers.end() ? "" : it->second;
  const std::string base = type.substr(0, type.find(';'));
  if (base != "application/json" && base != "application/stix+json") {
    throw Error(ErrorCategory::unsupported_media_type, "unsupported_media_type",
                "a STIX bundle is sent as application/json or application/stix+json, not '" +
                    (base.empty() ? std::string("(none)") : base) + "'");
  }
}

json stix_imported_json(const service::StixImported& r) {
  json unmapped = json::object();
  for (const auto& [type, n] : r.unmapped) unmapped[type] = n;
  return {{"item", item_json(r.item)},
          {"objects", r.objects},
          {"indicators", {{"added", r.added}, {"updated", r.updated}}},
          {"sightings", r.sightings},
          {"unmapped", unmapped},
          {"attachment", r.attachment.empty() ? json(nullptr) : json(r.attachment)},
          {"warnings", r.warnings},
          {"envelopes", r.envelopes}};
}

RouteHandler stix_import_handler(RouteContext& ctx) {
  return [&ctx](ApiCall& call) {
    require_stix_json(call);
    const std::string id = service::resolve_item_id(*ctx.node.store, service::kCase,
                                                    call.param("id"), &call.user().name);
    BodyStream buf(call.http.body);
    std::istream in(&buf);
    return json_response(200, stix_imported_json(service::import_case_stix(
                                  ctx.node, id, in, call.user().name, call.now, &call.audit)));
  };
}

}  // namespace

void add_interop_routes(std::vector<Route>& routes, RouteContext& ctx) {
  routes.push_back({"GET", "/v1/alerts/{id}/iodef", Access::permission, Permission::read_items,
                    export_handler(ctx, service::kAlert)});
  routes.push_back({"GET", "/v1/requests/{id}/iodef", Access::permission, Permission::read_items,
                    export_handler(ctx, service::kRequest)});
  routes.push_back({"GET", "/v1/cases/{id}/iodef", Access::permission, Permission::read_items,
                    export_handler(ctx, service::kCase)});
  routes.push_back(xml_body({"POST", "/v1/alerts/iodef", Access::permission, Permission::act_alerts,
                             import_handler(ctx, service::kAlert)}));
  routes.push_back(xml_body({"POST", "/v1/cases/iodef", Access::permission, Permission::act_cases,
                             import_handler(ctx, service::kCase)}));
  Route stix{"POST", "/v1/cases/{id}/stix", Access::permission, Permission::act_cases,
             stix_import_handler(ctx)};
  stix.raw_body = true;  // streamed into the importer, not parsed whole
  stix.max_body = kMaxStixBodyBytes;
  routes.push_back(std::move(stix));
}

}  // namespace hotline::api
