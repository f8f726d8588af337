// PeerListener: the request handler of the peer listener (the HTTPS server
// on the peer port, mutual TLS with the peers' keys pinned). Four routes,
// POST only, for configured peers only (the TLS layer already refused
// unknown keys; the handler finds the peer by the key again):
//
//   /v1/envelopes          a batch of envelopes (link::receive_batch, which
//                          applies each through node::apply_inbound and
//                          answers with the receipts)
//   /v1/ledger/proofs      the peer's audit of our log
//                          (service::answer_proof_request)
//   /v1/attachments/chunk  a chunk of an attachment we offered on that
//                          peer's link (service::serve_attachment_chunk)
//   /v1/link/resync        the peer, restored from a backup, asks for the
//                          envelopes it had sent us (link::answer_resync;
//                          its lost heads: service::note_peer_restored)
//
// Ownership and threads: NodeServer owns it; `node` and `events` must
// outlive it. handle() is thread-safe: the server calls it from several
// threads; batches of one link are stored in seq order (link::ReceiveOrder).
#pragma once

#include "hotline/link/receive_order.h"
#include "hotline/net/http_types.h"
#include "hotline/node/event_log.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/records.h"

namespace hotline::node {

class PeerListener {
 public:
  PeerListener(service::Node& node, EventLog& events) : node_(node), events_(events) {}
  net::HttpResponse handle(const net::HttpRequest& request);

 private:
  net::HttpResponse envelopes(const store::PeerRecord& peer, const net::HttpRequest& req);
  net::HttpResponse proofs(const net::HttpRequest& req);
  net::HttpResponse chunk(const store::PeerRecord& peer, const net::HttpRequest& req);
  net::HttpResponse resync(const store::PeerRecord& peer, const net::HttpRequest& req);

  service::Node& node_;
  EventLog& events_;
  link::ReceiveOrder receive_order_;
};

}  // namespace hotline::node
