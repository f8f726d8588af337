#include "hotline/node/webhook_job.h"

#include <spdlog/spdlog.h>

#include "hotline/common/time.h"

namespace hotline::node {

void WebhookJob::step() {
  int n = dispatcher_.run_once(now_ms());
  if (n > 0) spdlog::info("event=webhook_delivered count={}", n);
  if (!dispatcher_.last_error().empty() && dispatcher_.last_error() != last_logged_) {
    spdlog::warn("event=webhook_failed error=\"{}\"", dispatcher_.last_error());
  }
  last_logged_ = dispatcher_.last_error();
}

}  // namespace hotline::node
