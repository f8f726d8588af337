// AttachmentFetchJob: fetches the attachments peers offered
// (service::wanted_attachments) in chunks over the peer link (POST
// /v1/attachments/chunk), resuming where the vault's .part ends
// (service::fetch_attachment). A cut link or a restarting peer pauses a
// fetch until the next round.
//
// Ownership and threads: NodeServer owns it and runs step() on its "fetcher"
// thread (a Periodic, every 500 ms). Uses Links's fetch_client(), which is
// this thread's alone. `node` and `links` must outlive it.
#pragma once

#include "hotline/node/links.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/records.h"

namespace hotline::node {

class AttachmentFetchJob {
 public:
  AttachmentFetchJob(service::Node& node, Links& links) : node_(node), links_(links) {}
  void step();

 private:
  void fetch(net::HttpsClient& client, const store::AttachmentLinkRecord& want);

  service::Node& node_;
  Links& links_;
};

}  // namespace hotline::node
