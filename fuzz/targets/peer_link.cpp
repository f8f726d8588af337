// What a peer can send to the peer listener (node/peer_listener.h): a batch
// of envelopes, a proof request, a chunk request, answered by a real
// PeerListener of a real node (fuzz_node.h) as if bravo's client
// certificate had been presented. The first byte picks:
//   'p'  the rest is the body of POST /v1/ledger/proofs;
//   'c'  the rest is the body of POST /v1/attachments/chunk;
//   's'  "sealed": each further line is "TYPE<TAB>BODY-JSON"; the target
//        makes each an envelope that continues bravo's chain (next seq,
//        prev, link, keys, a fresh id and time) and signs it with bravo's
//        key, so the fuzzer reaches what a signed envelope's body does to
//        the node (items, agreements, messages, ...);
//   anything else: the whole input is the body of POST /v1/envelopes.
#include <array>
#include <sstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "../fuzz_node.h"
#include "fuzz_target.h"
#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/common/uuid.h"
#include "hotline/link/envelope.h"
#include "hotline/node/event_log.h"
#include "hotline/node/peer_listener.h"

namespace {

using namespace hotline;

node::PeerListener& listener() {
  static auto* events = new node::EventLog(*fuzz::fuzz_node().alpha->store,
                                           [](const std::string&) { return std::string("bravo"); });
  static auto* l = new node::PeerListener(*fuzz::fuzz_node().alpha, *events);
  return *l;
}

// Bravo's next envelopes, one per line "TYPE\tBODY", as an NDJSON batch.
std::string sealed_batch(std::string_view lines) {
  auto& n = fuzz::fuzz_node();
  const auto& self = n.bravo->identity;
  const auto alpha_key = n.alpha->identity.public_key();
  const std::string link = link::link_id(self.public_key(), alpha_key);
  auto head = n.alpha->store->snapshot(
      [&](store::Transaction& tx) { return tx.chain_head(link, store::Direction::inbound); });
  std::int64_t seq = head.seq;
  std::string prev = head.seq == 0 ? std::string(link::kGenesisPrev) : head.digest;
  std::string batch;
  std::istringstream in{std::string(lines)};
  for (std::string line; std::getline(in, line) && seq < head.seq + 50;) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    auto body = nlohmann::json::parse(line.substr(tab + 1), nullptr, false);
    if (body.is_discarded() || !body.is_object()) continue;
    link::Envelope e;
    const TimePoint now = now_ms();
    std::array<std::uint8_t, 10> rnd{};
    for (std::size_t i = 0; i < rnd.size(); ++i) rnd[i] = static_cast<std::uint8_t>(seq + i * 31);
    e.id = make_uuid_v7(now, rnd);
    e.link = link;
    e.from = self.public_key().encoded();
    e.to = alpha_key.encoded();
    e.seq = ++seq;
    e.prev = prev;
    e.sent_at = format_timestamp(now);
    e.type = line.substr(0, tab);
    e.body = std::move(body);
    try {
      e = link::seal(std::move(e), self);
    } catch (const Error&) {
      --seq;  // a type or body the envelope itself refuses: not sendable
      continue;
    }
    prev = to_hex(link::envelope_digest(e));
    batch += link::canonical(e) + "\n";
  }
  return batch;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  net::HttpRequest req;
  req.method = "POST";
  req.target = "/v1/envelopes";
  req.remote_address = "192.0.2.20:40002";
  req.peer_key = fuzz::fuzz_node().bravo->identity.public_key().bytes;
  const char mode = bytes.empty() ? '\0' : bytes.front();
  if (mode == 'p' || mode == 'c' || mode == 's') bytes.remove_prefix(1);
  if (mode == 'p') req.target = "/v1/ledger/proofs";
  if (mode == 'c') req.target = "/v1/attachments/chunk";
  req.body = mode == 's' ? sealed_batch(bytes) : std::string(bytes);
  auto res = listener().handle(req);
  if (res.status < 100 || res.status > 599) fuzz::broken("an HTTP status out of range");
  return 0;
}
