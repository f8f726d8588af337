// The review reports (docs/review.md, "Making, verifying and signing a
// report"): make, list, show (JSON, HTML or PDF), verify, sign, and the items
// behind one figure. Reviewers read and make reports; only a supervisor
// signs the peer's report for the office.
#include <string>
#include <vector>

#include "hotline/api/api_routes.h"
#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/sha256.h"
#include "hotline/render/render.h"
#include "hotline/service/review_service.h"

namespace hotline::api {
namespace {

using nlohmann::json;
using service::Permission;

TimePoint day_or_time(const std::string& text, const char* name) {
  try {
    return parse_day_or_timestamp(text);
  } catch (const Error&) {
    throw Error(ErrorCategory::invalid_input, "request_invalid",
                std::string("'") + name +
                    "' must be a date (2026-03-01, midnight UTC) or a timestamp "
                    "(2026-03-01T00:00:00.000Z)");
  }
}

std::string required_query(const ApiCall& call, const char* name) {
  auto v = call.query_value(name);
  if (!v || v->empty()) {
    throw Error(ErrorCategory::invalid_input, "request_invalid",
                std::string("the query needs '") + name + "'");
  }
  return *v;
}

json summary_json(const service::ReviewView& v) {
  return {{"id", v.record.id},
          {"peer", v.peer},
          {"link", v.record.link},
          {"period_from", v.record.period_from},
          {"period_to", v.record.period_to},
          {"state", v.record.state},
          {"made_by", v.record.made_by},
          {"signatures", v.report.value("signatures", json::array()).size()},
          {"created_at", v.record.created_at},
          {"updated_at", v.record.updated_at}};
}

json view_json(const service::ReviewView& v) {
  json out = summary_json(v);
  out["report"] = v.report;
  return out;
}

json verify_json(const service::VerifyResult& r) {
  json figures = json::array();
  for (const auto& f : r.figures) {
    figures.push_back({{"path", f.path}, {"ours", f.mine}, {"theirs", f.theirs}});
  }
  json items = json::array();
  for (const auto& i : r.items) {
    items.push_back({{"item", i.item},
                     {"group", i.group},
                     {"field", i.field},
                     {"ours", i.mine},
                     {"theirs", i.theirs},
                     {"text", i.text}});
  }
  return {{"id", r.id},
          {"peer", r.peer},
          {"matches", r.matches},
          {"body_matches", r.body_matches},
          {"signature_problems", r.signature_problems},
          {"in_flight", r.in_flight ? json(*r.in_flight) : json(nullptr)},
          {"figures", figures},
          {"items", items},
          {"lines", r.lines()}};
}

// The report in the asked ?format= (json: the view; html, pdf: rendered).
net::HttpResponse report_response(const ApiCall& call, const service::ReviewView& v, int status) {
  const std::string format = call.query_choice("format", "json", {"json", "html", "pdf"});
  if (format == "json") return json_response(status, view_json(v));
  const auto lang = render::parse_lang(call.query_value("lang").value_or("en"));
  net::HttpResponse r;
  r.status = status;
  if (format == "html") {
    r.content_type = "text/html; charset=utf-8";
    r.body = render::report_html(v.report, lang);
    // The rendering is one self-contained file: its style inline, its charts
    // inline SVG, no script. Its own policy lets a browser tab show it (the
    // listener's policy forbids inline styles) and allows nothing else; the
    // sandbox keeps it from running anything or acting as the node's origin.
    r.headers["Content-Security-Policy"] =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "frame-ancestors 'none'; sandbox";
  } else {
    r.content_type = "application/pdf";
    r.body = render::report_pdf(v.report, lang);
  }
  return r;
}

// The report file of a body {"report": {...}}.
json report_of(const BodyReader& body) {
  return service::parse_report(crypto::canonicalize(body.raw("report")));
}

void add_read_routes(std::vector<Route>& routes, RouteContext& ctx) {
  routes.push_back(
      {"GET", "/v1/reviews", Access::permission, Permission::read_review, [&ctx](ApiCall& call) {
         json out = json::array();
         const auto limit = static_cast<std::size_t>(call.query_int("limit", 50, 1, 1000));
         for (const auto& v : service::list_reports(*ctx.node.store,
                                                    call.query_value("peer").value_or(""), limit)) {
           out.push_back(summary_json(v));
         }
         return json_response(200, {{"reviews", out}});
       }});
  // Before /v1/reviews/{id}: the first route that matches answers.
  routes.push_back(
      {"GET", "/v1/reviews/explain", Access::permission, Permission::read_review,
       [&ctx](ApiCall& call) {
         auto e = service::explain_figure(ctx.node, required_query(call, "peer"),
                                          day_or_time(required_query(call, "from"), "from"),
                                          day_or_time(required_query(call, "to"), "to"),
                                          required_query(call, "figure"));
         json items = json::array();
         for (std::size_t i = 0; i < e.items.size(); ++i) {
           items.push_back({{"item", e.items[i].item},
                            {"group", e.items[i].group},
                            {"period", e.items[i].period},
                            {"detail", e.items[i].detail},
                            {"text", e.lines[i]}});
         }
         return json_response(200, {{"figure", e.figure}, {"value", e.value}, {"items", items}});
       }});
  routes.push_back({"GET", "/v1/reviews/{id}", Access::permission, Permission::read_review,
                    [&ctx](ApiCall& call) {
                      return report_response(
                          call, service::show_report(*ctx.node.store, call.param("id")), 200);
                    }});
}

void add_write_routes(std::vector<Route>& routes, RouteContext& ctx) {
  routes.push_back(
      {"POST", "/v1/reviews", Access::permission, Permission::make_reviews, [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"peer", "from", "to", "brief"});
         auto v = service::make_report(ctx.node, body.text("peer"),
                                       day_or_time(body.text("from"), "from"),
                                       day_or_time(body.text("to"), "to"), call.now,
                                       !body.flag_or("brief", false), &call.audit);
         return json_response(201, view_json(v));
       }});
  routes.push_back({"POST", "/v1/reviews/verify", Access::permission, Permission::make_reviews,
                    [&ctx](ApiCall& call) {
                      BodyReader body(call.body());
                      body.only({"report"});
                      return json_response(
                          200, verify_json(service::verify_report(ctx.node, report_of(body))));
                    }});
  // The report kept under {id}, or the one in the body ({"report": ...},
  // whose id must be {id}): verified, signed, sent to the peer.
  routes.push_back(
      {"POST", "/v1/reviews/{id}/sign", Access::permission, Permission::sign_reviews,
       [&ctx](ApiCall& call) {
         BodyReader body(call.body());
         body.only({"report"});
         json report = body.has("report")
                           ? report_of(body)
                           : service::show_report(*ctx.node.store, call.param("id")).report;
         const std::string id = to_hex(crypto::sha256(crypto::canonicalize(report["body"])));
         if (id.rfind(call.param("id"), 0) != 0) {
           throw Error(ErrorCategory::invalid_input, "request_invalid",
                       "the report in the body is " + id + ", not " + call.param("id"));
         }
         return json_response(
             200, view_json(service::sign_report(ctx.node, report, call.now, &call.audit)));
       }});
}

}  // namespace

void add_review_routes(std::vector<Route>& routes, RouteContext& ctx) {
  add_read_routes(routes, ctx);
  add_write_routes(routes, ctx);
}

}  // namespace hotline::api
