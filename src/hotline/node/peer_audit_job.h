// PeerAuditJob: audits the tree heads the peers sent. For each link with an
// unchecked head (service::plan_audit) it asks the peer (POST
// /v1/ledger/proofs on the peer link) for a consistency proof from the last
// head checked and inclusion proofs of the envelopes we sent, and judges the
// answer (service::judge_audit), which records the findings as events. An
// unreachable peer is asked again next round.
//
// Ownership and threads: NodeServer owns it and runs step() on its "auditor"
// thread (a Periodic, every NodeServerOptions::audit_interval): audits talk
// to peers, so they are kept off the monitor's loop. Uses Links's
// audit_client(), which is this thread's alone. `node` and `links` must
// outlive it.
#pragma once

#include "hotline/node/links.h"
#include "hotline/service/node_dir.h"

namespace hotline::node {

class PeerAuditJob {
 public:
  PeerAuditJob(service::Node& node, Links& links) : node_(node), links_(links) {}
  void step();

 private:
  void audit(const std::string& link);

  service::Node& node_;
  Links& links_;
};

}  // namespace hotline::node
