// WebhookJob: posts pending escalations to the configured webhook
// (WebhookDispatcher, webhook.h) and logs deliveries and new errors.
//
// Ownership and threads: NodeServer owns it and runs step() on its
// "notifier" thread (a Periodic, every 500 ms): a slow receiver must not
// stall the monitor. The dispatcher inside is used by that thread only.
// `store` must outlive it.
#pragma once

#include <string>

#include "hotline/node/webhook.h"
#include "hotline/store/store.h"

namespace hotline::node {

class WebhookJob {
 public:
  explicit WebhookJob(store::Store& store) : dispatcher_(store) {}
  void step();

 private:
  WebhookDispatcher dispatcher_;
  std::string last_logged_;  // the error logged last, so a lasting one is logged once
};

}  // namespace hotline::node
