#include "hotline/node/attachment_fetch_job.h"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/service/attachment_service.h"

namespace hotline::node {

void AttachmentFetchJob::step() {
  for (const auto& want : service::wanted_attachments(node_)) {
    net::HttpsClient* client = links_.fetch_client(want.link);
    if (!client) continue;
    try {
      fetch(*client, want);
    } catch (const std::exception& e) {
      // Cut link, peer restarting: the .part stays, the next round resumes.
      spdlog::debug("event=attachment_fetch_paused link={} sha256={} error=\"{}\"", want.link,
                    escape_text(want.sha256), escape_text(e.what()));
    }
  }
}

void AttachmentFetchJob::fetch(net::HttpsClient& client, const store::AttachmentLinkRecord& want) {
  service::fetch_attachment(node_, want, [&](std::int64_t offset) {
    net::HttpRequest req;
    req.method = "POST";
    req.target = "/v1/attachments/chunk";
    req.headers["content-type"] = "application/json";
    req.body = nlohmann::json{{"sha256", want.sha256}, {"offset", offset}}.dump();
    net::HttpResponse res = client.request(req);
    if (res.status != 200) {
      throw Error(
          ErrorCategory::invalid_input, "attachment_fetch_refused",
          "the peer answered " + std::to_string(res.status) + ": " + res.body.substr(0, 300));
    }
    return res.body;
  });
}

}  // namespace hotline::node
