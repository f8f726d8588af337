#include "hotline/node/resync.h"

#include <thread>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/common/time.h"
#include "hotline/link/resync.h"
#include "hotline/net/https_client.h"
#include "hotline/node/peer_transport.h"
#include "hotline/service/link_service.h"
#include "hotline/service/link_support.h"
#include "hotline/tls/context.h"

namespace hotline::node {
namespace {

using Clock = std::chrono::steady_clock;

// One request: the next page of our envelopes the peer holds.
nlohmann::json ask(net::HttpsClient& client, std::int64_t after_seq, std::int64_t log_size,
                   std::int64_t received_seq, bool first) {
  net::HttpRequest req;
  req.method = "POST";
  req.target = "/v1/link/resync";
  req.headers["content-type"] = "application/json";
  req.body = nlohmann::json{
      {"after_seq", after_seq},
      {"log_size", log_size},
      {"received_seq", received_seq},
      {"first",
       first}}.dump();
  auto res = client.request(req);
  if (res.status != 200) {
    throw Error(
        ErrorCategory::unavailable, "resync_refused",
        "the peer answered " + std::to_string(res.status) + ": " + escape_text(res.body, 300));
  }
  try {
    return nlohmann::json::parse(res.body);
  } catch (const std::exception&) {
    throw Error(ErrorCategory::invalid_input, "resync_bad_answer",
                "the peer's answer to our resync request is not JSON");
  }
}

Error unreachable(const std::string& peer, const std::string& why) {
  return Error(ErrorCategory::unavailable, "resync_peer_unreachable",
               "This node was restored from a backup and must first take back from " +
                   escape_text(peer) + " what it sent after the backup, but " + escape_text(peer) +
                   " could not be reached (" + escape_text(why) +
                   "). Start it again when the peer is reachable; nothing was sent.");
}

std::int64_t resync_link(service::Node& node, const store::PeerRecord& peer, std::int64_t log_size,
                         Clock::time_point deadline) {
  auto ctx = service::link_context(node, peer);
  auto peer_keys = std::make_shared<tls::PeerKeySet>();
  peer_keys->replace(peer_tls_keys(node, peer));
  auto client = make_peer_client(node.identity, node.party, peer_keys, peer.url);
  std::int64_t taken = 0, not_reapplied = 0;
  bool first = true;
  for (;;) {
    // From the last envelope of ours with the peer's receipt: what we held
    // queued at the backup may have reached the peer since.
    const auto [after, received] = node.store->snapshot([&](store::Transaction& tx) {
      auto queued = tx.pending_outbox(ctx.link, 1);
      return std::pair{queued.empty() ? tx.last_seq(ctx.link, store::Direction::outbound)
                                      : queued.front().seq - 1,
                       tx.last_seq(ctx.link, store::Direction::inbound)};
    });
    nlohmann::json answer;
    try {
      answer = ask(*client, after, log_size, received, first);
    } catch (const std::exception& e) {
      const auto* err = dynamic_cast<const Error*>(&e);
      if (err && err->code() == "resync_bad_answer") throw;
      if (Clock::now() >= deadline) throw unreachable(peer.name, e.what());
      spdlog::info("event=resync_waiting link={} peer=\"{}\" error=\"{}\"", ctx.link,
                   escape_text(peer.name), escape_text(e.what()));
      client->close();
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    first = false;
    const bool more = answer.is_object() && answer.value("more", false);
    const auto n = node.store->transact([&](store::Transaction& tx) {
      auto got = link::take_resync_answer(tx, ctx, answer);
      for (const auto& e : got) {
        if (!service::retake_own_envelope(tx, ctx, e) && e.type.find('.') != std::string::npos &&
            e.type.rfind("link.", 0) != 0 && e.type.rfind("ledger.", 0) != 0) {
          ++not_reapplied;
        }
      }
      const auto total = taken + static_cast<std::int64_t>(got.size());
      if (!more) {
        link::finish_resync(tx, ctx.link, total);
        service::record_event(
            tx, now_ms(), "link_resynced", ctx.link,
            "took back from " + peer.name + " " + std::to_string(total) +
                " envelopes this node had sent after its backup" +
                (not_reapplied > 0 ? "; " + std::to_string(not_reapplied) +
                                         " of them carry actions on items whose local state "
                                         "does not show them (the peer's does)"
                                   : std::string()));
      }
      return got.size();
    });
    taken += static_cast<std::int64_t>(n);
    if (!more) return taken;
    if (n == 0) {
      throw Error(ErrorCategory::invalid_input, "resync_bad_answer",
                  "the peer says it holds more of our envelopes but sent none");
    }
  }
}

}  // namespace

std::int64_t resync_restored_links(service::Node& node, std::chrono::milliseconds patience) {
  const auto deadline = Clock::now() + patience;
  std::int64_t total = 0;
  auto peers = node.store->snapshot([](store::Transaction& tx) { return tx.list_peers(); });
  for (const auto& peer : peers) {
    auto pending = node.store->snapshot(
        [&](store::Transaction& tx) { return link::resync_pending(tx, peer.link); });
    if (!pending) continue;
    const auto n = resync_link(node, peer, *pending, deadline);
    spdlog::info("event=link_resynced link={} peer=\"{}\" envelopes={}", peer.link,
                 escape_text(peer.name), n);
    total += n;
  }
  return total;
}

}  // namespace hotline::node
