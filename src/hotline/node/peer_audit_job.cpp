#include "hotline/node/peer_audit_job.h"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "hotline/common/escape.h"
#include "hotline/common/time.h"
#include "hotline/service/ledger_service.h"

namespace hotline::node {

void PeerAuditJob::step() {
  for (const auto& link : links_.ids()) audit(link);
}

void PeerAuditJob::audit(const std::string& l) {
  auto plan = service::plan_audit(*node_.store, l);
  if (!plan) return;
  net::HttpsClient* client = links_.audit_client(l);
  auto ctx = links_.context(l);
  if (!client || !ctx) return;
  net::HttpRequest req;
  req.method = "POST";
  req.target = "/v1/ledger/proofs";
  req.headers["content-type"] = "application/json";
  req.body = service::audit_request(*plan).dump();
  net::HttpResponse res;
  try {
    res = client->request(req);
  } catch (const std::exception& e) {
    spdlog::debug("event=audit_unreachable link={} error=\"{}\"", l, escape_text(e.what()));
    return;  // try again next round
  }
  if (res.status != 200) {
    spdlog::warn("event=audit_refused link={} status={} body=\"{}\"", l, res.status,
                 escape_text(res.body, 200));
    return;
  }
  nlohmann::json answer;
  try {
    answer = nlohmann::json::parse(res.body);
  } catch (const std::exception&) {
    answer = nullptr;
  }
  // Findings are recorded as events, which the event log writes out.
  auto findings = service::judge_audit(*node_.store, *ctx, *plan, answer, now_ms());
  if (findings.empty()) {
    spdlog::debug("event=ledger_audit_ok link={} size={} inclusion={}", l, plan->head.size,
                  plan->inclusion.size());
  }
}

}  // namespace hotline::node
