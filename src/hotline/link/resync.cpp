#include "hotline/link/resync.h"

#include <utility>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/link/envelope.h"
#include "hotline/link/receipt.h"

namespace hotline::link {
namespace {

using store::Direction;

nlohmann::json read_state(store::Transaction& tx, const std::string& link) {
  auto text = tx.get_setting(resync_setting(link));
  if (!text) return nullptr;
  try {
    return nlohmann::json::parse(*text);
  } catch (const std::exception&) {
    return nullptr;
  }
}

[[noreturn]] void bad_answer(const std::string& why) {
  throw Error(
      ErrorCategory::invalid_input, "resync_bad_answer",
      "the peer's answer to our resync request was refused: " + why + ". Nothing was stored.");
}

// One envelope of the answer: ours, for this link, the next in our chain.
// One envelope of the answer: ours, for this link (its place in the chain
// is checked by the caller).
store::EnvelopeRecord checked_own(const nlohmann::json& text, const LinkContext& ctx,
                                  std::string& prev) {
  if (!text.is_string()) bad_answer("an envelope that is not a string");
  Envelope e;
  try {
    e = parse_envelope(text.get<std::string>());
    verify_signature(e, ctx.self->public_key());
  } catch (const Error& err) {
    bad_answer(std::string("an envelope that is not ours: ") + err.what());
  }
  if (e.link != ctx.link || e.to != ctx.peer.encoded()) bad_answer("an envelope of another link");
  prev = e.prev;
  store::EnvelopeRecord rec;
  rec.id = e.id;
  rec.link = e.link;
  rec.direction = Direction::outbound;
  rec.seq = e.seq;
  rec.canonical = canonical(e);
  rec.digest = to_hex(crypto::sha256(rec.canonical));
  rec.type = e.type;
  rec.sent_at = e.sent_at;
  return rec;
}

store::ReceiptRecord checked_receipt_of(const nlohmann::json& j, std::size_t i,
                                        const store::EnvelopeRecord& env, const LinkContext& ctx) {
  Receipt r;
  try {
    r = receipt_from_json(j);
    verify_signature(r, ctx.peer);
  } catch (const Error& err) {
    bad_answer("receipt " + std::to_string(i) + ": " + err.what());
  }
  if (r.link != ctx.link || r.seq != env.seq || r.envelope != env.digest ||
      r.envelope_id != env.id) {
    bad_answer("receipt " + std::to_string(i) + " is not for envelope seq " +
               std::to_string(env.seq));
  }
  return store::ReceiptRecord{ctx.link, Direction::outbound, r.seq, r.envelope, r.received_at,
                              r.index,  canonical(r)};
}

}  // namespace

std::string resync_setting(const std::string& link) {
  return "link.resync." + link;
}

void mark_resync(store::Transaction& tx, const std::string& link, std::int64_t log_size) {
  tx.put_setting(resync_setting(link),
                 nlohmann::json{{"state", "pending"}, {"log_size", log_size}}.dump());
}

std::optional<std::int64_t> resync_pending(store::Transaction& tx, const std::string& link) {
  auto state = read_state(tx, link);
  if (!state.is_object() || state.value("state", "") != "pending") return std::nullopt;
  return state.value("log_size", std::int64_t{0});
}

void finish_resync(store::Transaction& tx, const std::string& link, std::int64_t recovered) {
  auto state = read_state(tx, link);
  if (!state.is_object()) state = nlohmann::json::object();
  state["state"] = "done";
  state["recovered"] = recovered;
  tx.put_setting(resync_setting(link), state.dump());
}

nlohmann::json answer_resync(store::Transaction& tx, const LinkContext& ctx,
                             const nlohmann::json& request) {
  if (!request.is_object() || !request.contains("after_seq") ||
      !request["after_seq"].is_number_integer() || request["after_seq"].get<std::int64_t>() < 0) {
    throw Error(ErrorCategory::invalid_input, "resync_bad_request",
                "expected {\"after_seq\": N >= 0, \"log_size\": S}");
  }
  const auto after = request["after_seq"].get<std::int64_t>();
  auto envelopes = tx.list_envelopes(ctx.link, Direction::inbound, after, kMaxResyncBatch + 1);
  const bool more = envelopes.size() > kMaxResyncBatch;
  if (more) envelopes.pop_back();
  nlohmann::json answer{{"envelopes", nlohmann::json::array()},
                        {"receipts", nlohmann::json::array()},
                        {"more", more}};
  for (const auto& e : envelopes) {
    auto r = tx.find_receipt(ctx.link, Direction::inbound, e.seq);
    if (!r) break;  // not receipted (cannot happen: stored together)
    answer["envelopes"].push_back(e.canonical);
    answer["receipts"].push_back(nlohmann::json::parse(r->canonical));
  }
  return answer;
}

std::vector<store::EnvelopeRecord> take_resync_answer(store::Transaction& tx,
                                                      const LinkContext& ctx,
                                                      const nlohmann::json& answer) {
  if (!answer.is_object() || !answer.contains("envelopes") || !answer["envelopes"].is_array() ||
      !answer.contains("receipts") || !answer["receipts"].is_array() ||
      answer["envelopes"].size() != answer["receipts"].size()) {
    bad_answer("not {\"envelopes\":[...], \"receipts\":[...]} of equal lengths");
  }
  // The answer starts after the last envelope the peer receipted to us, so
  // it may begin with envelopes we hold still queued (from before the
  // backup): those must be ours exactly, and only their receipts are new.
  const store::ChainHead head = tx.chain_head(ctx.link, Direction::outbound);
  store::ChainHead chain = head;
  std::vector<store::ReceiptRecord> held;
  std::vector<std::pair<store::EnvelopeRecord, store::ReceiptRecord>> taken;
  std::int64_t next = 0;
  for (std::size_t i = 0; i < answer["envelopes"].size(); ++i) {
    std::string prev;
    auto env = checked_own(answer["envelopes"][i], ctx, prev);
    if (next != 0 && env.seq != next)
      bad_answer("envelope seq " + std::to_string(env.seq) + " where seq " + std::to_string(next) +
                 " was expected");
    next = env.seq + 1;
    auto r = checked_receipt_of(answer["receipts"][i], i, env, ctx);
    if (env.seq <= head.seq) {
      auto ours = tx.find_envelope_by_seq(ctx.link, Direction::outbound, env.seq);
      if (!ours || ours->digest != env.digest) {
        bad_answer("envelope seq " + std::to_string(env.seq) + " is not the one we hold");
      }
      if (!tx.find_receipt(ctx.link, Direction::outbound, env.seq)) held.push_back(std::move(r));
      continue;
    }
    const std::string expected_prev = chain.seq == 0 ? std::string(kGenesisPrev) : chain.digest;
    if (env.seq != chain.seq + 1 || prev != expected_prev) {
      bad_answer("envelope seq " + std::to_string(env.seq) + " does not follow our seq " +
                 std::to_string(chain.seq));
    }
    chain = store::ChainHead{env.seq, env.digest};
    taken.emplace_back(std::move(env), std::move(r));
  }
  // The receipts of what we held queued, then the envelopes taken back, then
  // their receipts: each receipt after its envelope, receipts in seq order.
  for (const auto& rec : held) {
    tx.insert_receipt(rec);
    tx.remove_outbox(ctx.link, rec.seq);
  }
  for (const auto& [env, rec] : taken) tx.insert_envelope(env);
  for (const auto& [env, rec] : taken) tx.insert_receipt(rec);
  std::vector<store::EnvelopeRecord> out;
  for (auto& [env, rec] : taken) out.push_back(std::move(env));
  return out;
}

}  // namespace hotline::link
