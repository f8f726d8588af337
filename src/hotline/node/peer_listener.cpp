#include "hotline/node/peer_listener.h"

#include <tuple>
#include <utility>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/common/error_category.h"
#include "hotline/common/escape.h"
#include "hotline/common/time.h"
#include "hotline/link/link_metrics.h"
#include "hotline/link/receiver.h"
#include "hotline/node/inbound.h"
#include "hotline/service/attachment_service.h"
#include "hotline/service/ledger_service.h"
#include "hotline/service/link_support.h"

namespace hotline::node {
namespace {

// What the peer is told of an error, as {code, message}. About the peer's
// request itself (malformed, not allowed, out of order, too large): the
// error as it is, naming only what the peer sent. Anything else (not found
// in our vault, busy, a fault of ours): a stable code (internal_error for a
// fault) and a generic message; the details (local paths, SQL) go to our
// log only, escaped.
std::pair<std::string, std::string> told_to_peer(const std::string& route, const std::string& link,
                                                 ErrorCategory c, const std::string& code,
                                                 const std::string& message) {
  if (c == ErrorCategory::invalid_input || c == ErrorCategory::forbidden ||
      c == ErrorCategory::conflict || c == ErrorCategory::too_large) {
    return {code, message};
  }
  const bool fault = c == ErrorCategory::internal;
  spdlog::log(fault ? spdlog::level::err : spdlog::level::warn,
              "event=peer_request_failed route={} link={} code={} error=\"{}\"", route, link,
              escape_text(code), escape_text(message));
  if (fault) return {"internal_error", "internal error; the node's log has details"};
  return {code, "the request could not be served now"};
}

net::HttpResponse peer_error(const std::string& route, const std::string& link, const Error& e) {
  auto [code, message] = told_to_peer(route, link, e.category(), e.code(), e.what());
  return net::json_error(http_status(e.category()), code, message);
}

}  // namespace

net::HttpResponse PeerListener::handle(const net::HttpRequest& req) {
  if (req.target != "/v1/envelopes" && req.target != "/v1/ledger/proofs" &&
      req.target != "/v1/attachments/chunk") {
    return net::json_error(404, "not_found", "no such path on the peer link");
  }
  if (req.method != "POST") return net::json_error(405, "method_not_allowed", "use POST");
  if (!req.peer_key) return net::json_error(403, "peer_unknown", "no client certificate");
  crypto::PublicKey key;
  key.bytes = *req.peer_key;
  auto peer = node_.store->snapshot(
      [&](store::Transaction& tx) { return tx.find_peer_by_key(key.encoded()); });
  if (!peer) {
    return net::json_error(403, "peer_unknown", "this node has no peer with key " + key.encoded());
  }
  if (req.target == "/v1/ledger/proofs") return proofs(req);
  if (req.target == "/v1/attachments/chunk") return chunk(*peer, req);
  return envelopes(*peer, req);
}

net::HttpResponse PeerListener::envelopes(const store::PeerRecord& peer,
                                          const net::HttpRequest& req) {
  auto ctx = service::link_context(node_, peer);
  link::ReceiveOrder::Ticket ticket(receive_order_, ctx.link);
  auto outcome = link::receive_batch(
      *node_.store, ctx, req.body, [] { return now_ms(); },
      [&ctx](store::Transaction& tx, const link::Envelope& e, const std::string& at) {
        apply_inbound(tx, ctx, e, at);
      },
      &ticket);
  auto& link_counts = link::link_metrics(peer.name);
  link_counts.envelopes_received.inc(outcome.stored.size());
  link_counts.bytes_received.inc(req.body.size());
  if (outcome.error) {
    auto& err = *outcome.error;
    std::tie(err.code, err.message) =
        told_to_peer("envelopes", ctx.link, err.category, err.code, err.message);
  }
  net::HttpResponse res;
  res.status = outcome.error ? http_status(outcome.error->category) : 200;
  res.body = outcome.to_json();
  if (outcome.error) {
    const auto& err = *outcome.error;
    bool integrity = err.code == "envelope_conflict" || err.code == "prev_mismatch" ||
                     err.code == "envelope_bad_signature" || err.code == "link_mismatch";
    if (integrity) {
      events_.record("envelope_refused", ctx.link,
                     peer.name + " sent an envelope we refused: " + err.code + ": " + err.message);
    } else {
      spdlog::warn("event=envelope_refused link={} peer=\"{}\" code={} detail=\"{}\"", ctx.link,
                   peer.name, escape_text(err.code), escape_text(err.message));
    }
  }
  return res;
}

net::HttpResponse PeerListener::proofs(const net::HttpRequest& req) {
  nlohmann::json request;
  try {
    request = nlohmann::json::parse(req.body);
  } catch (const std::exception&) {
    return net::json_error(400, "json_malformed", "the proof request is not JSON");
  }
  try {
    net::HttpResponse res;
    res.body = service::answer_proof_request(*node_.store, request).dump();
    return res;
  } catch (const Error& e) {
    return peer_error("proofs", "", e);
  }
}

// POST /v1/attachments/chunk {"sha256","offset"}: the plaintext chunk (the
// link is TLS), for attachments we offered on this peer's link only.
net::HttpResponse PeerListener::chunk(const store::PeerRecord& peer, const net::HttpRequest& req) {
  std::string sha;
  std::int64_t offset = 0;
  try {
    auto j = nlohmann::json::parse(req.body);
    sha = j.at("sha256").get<std::string>();
    offset = j.at("offset").get<std::int64_t>();
  } catch (const std::exception&) {
    return net::json_error(400, "chunk_request_invalid",
                           "expected {\"sha256\": HEX, \"offset\": INT}");
  }
  try {
    net::HttpResponse res;
    res.content_type = "application/octet-stream";
    res.body = service::serve_attachment_chunk(node_, peer.link, sha, offset);
    return res;
  } catch (const Error& e) {
    if (e.code() == "attachment_corrupt") events_.record("attachment_corrupt", peer.link, e.what());
    return peer_error("chunk", peer.link, e);
  }
}

}  // namespace hotline::node
