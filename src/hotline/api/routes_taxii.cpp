// TAXII 2.1, read-only (api/taxii.h has the protocol, service/taxii_service.h
// what is published and who sees it), on the operators' listener:
//
//   GET  /taxii2/                                         discovery
//   GET  /taxii2/hotline/                                 the API root
//   GET  /taxii2/hotline/collections/[{id}/]              collections
//   GET  /taxii2/hotline/collections/{id}/objects/[{object}/[versions/]]
//   GET  /taxii2/hotline/collections/{id}/manifest/
//   POST .../objects/, DELETE .../objects/{object}/       403: can_write is false
//   GET  /taxii2/hotline/status/{id}/                     404: nothing is ever written
//
// Every route needs an API token (or session) whose user may read items;
// the router's own refusals (401, 403, 404, 405, 429) are turned into the
// TAXII error message by OperatorApi for paths under /taxii2/. A request
// whose Accept does not allow TAXII 2.1 is answered 406.
//
// And the office's publication (admin, manage_peers):
//   GET /v1/taxii; PUT|DELETE /v1/taxii/peers/{name}; PUT|DELETE /v1/taxii/cases/{id}
#include <string>

#include "hotline/api/api_routes.h"
#include "hotline/api/taxii.h"
#include "hotline/common/error.h"
#include "hotline/service/taxii_service.h"

namespace hotline::api {
namespace {

using nlohmann::json;
using service::Permission;

constexpr const char* kRoot = "hotline";

std::string header_of(const net::HttpRequest& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

// A TAXII handler: the Accept check and the root's name first.
RouteHandler taxii_route(std::function<net::HttpResponse(ApiCall&)> f) {
  return [f = std::move(f)](ApiCall& call) {
    if (!taxii::accepts_taxii(header_of(call.http, "accept"))) {
      return taxii::error_response(406, "Not Acceptable",
                                   std::string("the Accept header must allow ") +
                                       taxii::kTaxiiMediaType + "; found \"" +
                                       header_of(call.http, "accept") + "\"",
                                   "taxii_not_acceptable");
    }
    if (call.params.count("root") && call.param("root") != kRoot) {
      throw Error(ErrorCategory::not_found, "taxii_root_unknown",
                  "no API root \"" + call.param("root") + "\"; this server has \"" + kRoot + "\"");
    }
    return f(call);
  };
}

// "https://HOST" from the request's Host header; "" when it has none or an
// odd one (then the URLs are relative).
std::string origin(const ApiCall& call) {
  const std::string host = header_of(call.http, "host");
  if (host.empty() || host.size() > 255 ||
      host.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") !=
          std::string::npos)
    return "";
  return "https://" + host;
}

json collection_json(const service::TaxiiCollection& c) {
  return {{"id", c.id},
          {"title", c.title},
          {"description", c.description},
          {"alias", c.alias},
          {"can_read", true},
          {"can_write", false},
          {"media_types", json::array({taxii::kStixMediaType})}};
}

// A collection's objects as the caller may see them, and where each came from.
struct Loaded {
  std::vector<service::TaxiiObject> sources;
  std::vector<taxii::Entry> entries;  // tag: the index in sources
};

Loaded load(RouteContext& ctx, ApiCall& call) {
  Loaded out;
  out.sources = service::taxii_objects(ctx.node, call.param("id"), call.user().name);
  for (std::size_t i = 0; i < out.sources.size(); ++i) {
    auto& o = out.sources[i];
    out.entries.push_back(taxii::make_entry(std::move(o.object), o.date_added, i));
  }
  taxii::spread_ties(out.entries);
  return out;
}

// The audit trail's "item.read" for the cases whose objects a page shows.
void record_reads(RouteContext& ctx, ApiCall& call, const Loaded& loaded, const taxii::Page& page) {
  std::vector<const service::TaxiiObject*> served;
  for (const auto* e : page.entries) served.push_back(&loaded.sources[e->tag]);
  service::record_taxii_reads(*ctx.node.store, &call.audit, served, call.now);
}

// Writing is refused to everyone (TAXII 2.1: 403 when can_write is false).
net::HttpResponse read_only(ApiCall&) {
  throw Error(ErrorCategory::forbidden, "forbidden",
              "this collection is read-only (can_write is false): Hotline publishes cases over "
              "TAXII and takes no objects this way");
}

net::HttpResponse objects(RouteContext& ctx, ApiCall& call, bool as_manifest) {
  auto loaded = load(ctx, call);
  auto f = taxii::parse_filter(call.query, {"id", "type", "version", "spec_version"});
  auto page = taxii::select(loaded.entries, f);
  if (as_manifest) return taxii::manifest(page);
  record_reads(ctx, call, loaded, page);
  return taxii::envelope(page);
}

// One object's versions (GET .../objects/{object}/ and .../versions/).
net::HttpResponse one_object(RouteContext& ctx, ApiCall& call, bool versions) {
  auto loaded = load(ctx, call);
  const std::string& object = call.param("object");
  bool known = false;
  for (const auto& e : loaded.entries) known = known || e.id == object;
  if (!known) {
    throw Error(ErrorCategory::not_found, "taxii_object_unknown",
                "no object " + object + " in collection " + call.param("id"));
  }
  if (versions) {
    auto f = taxii::parse_filter(call.query, {"spec_version"});
    f.ids = {object};
    f.versions = {"all"};
    return taxii::versions(taxii::select(loaded.entries, f));
  }
  auto f = taxii::parse_filter(call.query, {"version", "spec_version"});
  f.ids = {object};
  auto page = taxii::select(loaded.entries, f);
  record_reads(ctx, call, loaded, page);
  return taxii::envelope(page);
}

void add_taxii_reads(std::vector<Route>& routes, RouteContext& ctx) {
  routes.push_back({"GET", "/taxii2/{root}/collections/{id}/objects/", Access::permission,
                    Permission::read_items,
                    taxii_route([&ctx](ApiCall& call) { return objects(ctx, call, false); })});
  routes.push_back({"GET", "/taxii2/{root}/collections/{id}/manifest/", Access::permission,
                    Permission::read_items,
                    taxii_route([&ctx](ApiCall& call) { return objects(ctx, call, true); })});
  routes.push_back({"GET", "/taxii2/{root}/collections/{id}/objects/{object}/", Access::permission,
                    Permission::read_items,
                    taxii_route([&ctx](ApiCall& call) { return one_object(ctx, call, false); })});
  routes.push_back({"GET", "/taxii2/{root}/collections/{id}/objects/{object}/versions/",
                    Access::permission, Permission::read_items,
                    taxii_route([&ctx](ApiCall& call) { return one_object(ctx, call, true); })});
  routes.push_back({"POST", "/taxii2/{root}/collections/{id}/objects/", Access::permission,
                    Permission::read_items, taxii_route(read_only)});
  routes.push_back({"DELETE", "/taxii2/{root}/collections/{id}/objects/{object}/",
                    Access::permission, Permission::read_items, taxii_route(read_only)});
}

void add_taxii_resources(std::vector<Route>& routes, RouteContext& ctx) {
  routes.push_back({"GET", "/taxii2/", Access::permission, Permission::read_items,
                    taxii_route([&ctx](ApiCall& call) {
                      const std::string root = origin(call) + "/taxii2/" + kRoot + "/";
                      return taxii::ok(
                          {{"title", "Hotline " + ctx.node.party},
                           {"description", "The cases of the Hotline node of " + ctx.node.party +
                                               ", as STIX 2.1 (read-only)"},
                           {"contact", "the duty desk of " + ctx.node.party},
                           {"default", root},
                           {"api_roots", json::array({root})}});
                    })});
  routes.push_back({"GET", "/taxii2/{root}/", Access::permission, Permission::read_items,
                    taxii_route([&ctx](ApiCall&) {
                      return taxii::ok({{"title", "Hotline " + ctx.node.party + ": shared cases"},
                                        {"description",
                                         "One collection per published peer (every case "
                                         "shared with it) and per published case"},
                                        {"versions", json::array({taxii::kTaxiiMediaType})},
                                        {"max_content_length", ctx.options.max_json_bytes}});
                    })});
  routes.push_back({"GET", "/taxii2/{root}/collections/", Access::permission,
                    Permission::read_items, taxii_route([&ctx](ApiCall& call) {
                      json all = json::array();
                      for (const auto& c :
                           service::taxii_collections(*ctx.node.store, call.user().name))
                        all.push_back(collection_json(c));
                      return taxii::ok(all.empty() ? json::object() : json{{"collections", all}});
                    })});
  routes.push_back({"GET", "/taxii2/{root}/collections/{id}/", Access::permission,
                    Permission::read_items, taxii_route([&ctx](ApiCall& call) {
                      for (const auto& c :
                           service::taxii_collections(*ctx.node.store, call.user().name))
                        if (c.id == call.param("id")) return taxii::ok(collection_json(c));
                      throw Error(ErrorCategory::not_found, "taxii_collection_unknown",
                                  "no collection " + call.param("id") + " is published to you");
                    })});
  routes.push_back({"GET", "/taxii2/{root}/status/{status}/", Access::permission,
                    Permission::read_items, taxii_route([](ApiCall& call) -> net::HttpResponse {
                      throw Error(ErrorCategory::not_found, "taxii_status_unknown",
                                  "no status " + call.param("status") +
                                      ": this server takes no objects, so it has none");
                    })});
}

json publication_json(RouteContext& ctx, const service::TaxiiPublication& p,
                      const std::string& reader) {
  json collections = json::array();
  for (const auto& c : service::taxii_collections(*ctx.node.store, reader))
    collections.push_back(collection_json(c));
  return {{"peers", p.peers}, {"cases", p.cases}, {"collections", collections}};
}

RouteHandler publish(RouteContext& ctx, const char* kind, const char* param, bool published) {
  return [&ctx, kind, param, published](ApiCall& call) {
    auto p = service::set_taxii_published(*ctx.node.store, kind, call.param(param), published,
                                          call.now, &call.audit);
    return json_response(200, publication_json(ctx, p, call.user().name));
  };
}

void add_publication_routes(std::vector<Route>& routes, RouteContext& ctx) {
  routes.push_back(
      {"GET", "/v1/taxii", Access::permission, Permission::manage_peers, [&ctx](ApiCall& call) {
         return json_response(
             200,
             publication_json(ctx, service::taxii_publication(*ctx.node.store), call.user().name));
       }});
  routes.push_back({"PUT", "/v1/taxii/peers/{name}", Access::permission, Permission::manage_peers,
                    publish(ctx, "peer", "name", true)});
  routes.push_back({"DELETE", "/v1/taxii/peers/{name}", Access::permission,
                    Permission::manage_peers, publish(ctx, "peer", "name", false)});
  routes.push_back({"PUT", "/v1/taxii/cases/{id}", Access::permission, Permission::manage_peers,
                    publish(ctx, "case", "id", true)});
  routes.push_back({"DELETE", "/v1/taxii/cases/{id}", Access::permission, Permission::manage_peers,
                    publish(ctx, "case", "id", false)});
}

}  // namespace

void add_taxii_routes(std::vector<Route>& routes, RouteContext& ctx) {
  add_taxii_resources(routes, ctx);
  add_taxii_reads(routes, ctx);
  add_publication_routes(routes, ctx);
}

}  // namespace hotline::api
