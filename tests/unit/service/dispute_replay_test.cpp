// Disputes under crossing envelopes: many generated histories of two nodes
// that act on one dispute at random (each only sending what is not void at
// the end of its own log, as the desk does) while their envelopes cross on
// the link in random order. Once everything has arrived, both nodes' replays
// (service/item_replay.h over the agreed order of item_log.h) must give the
// same dispute, with the sides swapped, and void the same actions.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <random>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/model/dispute.h"
#include "hotline/service/item_log.h"
#include "hotline/service/item_replay.h"

namespace hotline::service {
namespace dispute_replay_test {

using model::Side;
using nlohmann::json;

const std::string kId = "01890a5d-ac96-774b-bcce-b302099a8057";
const std::string kItem = "01890a5d-ac96-774b-bcce-b302099a80ff";

struct Node {
  ItemLog log;
  std::int64_t clock = 0;  // ms, its own
};

// The same dispute seen from the other node.
model::Dispute mirrored(model::Dispute d) {
  d.origin = model::opposite(d.origin);
  for (auto& p : d.positions) p.side = model::opposite(p.side);
  if (d.proposal) d.proposal->side = model::opposite(d.proposal->side);
  for (auto& e : d.history) e.side = model::opposite(e.side);
  return d;
}

std::set<std::string> voided(const Replayed& r) {
  std::set<std::string> out;
  for (const auto& v : r.voided) out.insert(v.envelope);
  return out;
}

class Histories {
 public:
  explicit Histories(unsigned seed) : rng_(seed) {}

  // One history: alpha (node 0) opens; then random actions and deliveries.
  void run() {
    act(0, "open", open_args());
    for (int step = 0; step < 40; ++step) {
      const int who = pick(2);
      if (pick(3) == 0 && !in_flight_[who].empty()) {
        deliver(who);
      } else {
        random_action(who);
      }
    }
    while (!in_flight_[0].empty() || !in_flight_[1].empty()) {
      deliver(in_flight_[0].empty() ? 1 : in_flight_[1].empty() ? 0 : pick(2));
    }
  }

  void check() {
    Replayed a = replay(kDispute, kId, nodes_[0].log);
    Replayed b = replay(kDispute, kId, nodes_[1].log);
    const auto& da = std::get<model::Dispute>(a.item);
    const auto& db = std::get<model::Dispute>(b.item);
    EXPECT_EQ(da, mirrored(db)) << "alpha: " << model::to_json(da).dump(1)
                                << "\nbravo: " << model::to_json(db).dump(1);
    EXPECT_EQ(voided(a), voided(b));
    // The document reads back through the model as the same dispute.
    EXPECT_EQ(model::dispute_from_json(model::to_json(da)), da);
    ++states_[std::string(model::to_string(da.state))];
    voids_ += a.voided.size();
  }

  std::map<std::string, int> states_;
  std::size_t voids_ = 0;

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  json open_args() {
    model::DisputeOpening o;
    o.title = "Answered late";
    o.ground = model::DisputeGround::timeliness;
    o.subject.item = kItem;
    o.text = "Late.";
    return model::opening_args(o);
  }

  json args_for(model::DisputeAction a, const model::Dispute& d) {
    const json none = json::array();
    switch (a) {
      case model::DisputeAction::answer:
        return {{"text", "We disagree."}, {"lang", "en"}, {"attachments", none}};
      case model::DisputeAction::add_position:
        return {{"text", "More."},
                {"lang", "zh-CN"},
                {"translation_of", pick(2) ? json(0) : json(nullptr)},
                {"attachments", none}};
      case model::DisputeAction::propose:
        return {{"text", "Settle " + std::to_string(pick(100))},
                {"adjustment",
                 pick(2) ? json{{"item", kItem}, {"deadline", "final_response"}} : json(nullptr)}};
      case model::DisputeAction::accept:
        return {{"version", d.proposal_version}};
      case model::DisputeAction::reject:
        return {{"version", d.proposal_version}, {"reason", "No."}};
      case model::DisputeAction::withdraw:
        return {{"reason", "Dropped."}};
      case model::DisputeAction::open:
        break;
    }
    return json::object();
  }

  void random_action(int who) {
    if (nodes_[who].log.shared.empty()) return;  // bravo before the opening arrived
    Replayed r = replay(kDispute, kId, nodes_[who].log);
    const auto& d = std::get<model::Dispute>(r.item);
    auto possible = model::possible_actions(d, Side::ours);
    if (possible.empty()) return;
    auto a = possible[static_cast<std::size_t>(pick(static_cast<int>(possible.size())))];
    act(who, std::string(model::to_string(a)), args_for(a, d));
  }

  // The node acts: the action goes last in its own log; one that would be
  // void there is not sent (the desk refuses it).
  void act(int who, const std::string& action, json args) {
    Node& n = nodes_[who];
    n.clock += 1 + pick(3);  // two clocks, close but not equal
    SharedAction s;
    s.side = Side::ours;
    s.n = n.log.count(Side::ours);
    s.seen = n.log.count(Side::theirs);
    s.envelope = "e" + std::to_string(++envelopes_) + (who ? "b" : "a");
    s.sent_at = format_timestamp(TimePoint(
        std::chrono::milliseconds(1'780'000'000'000 + n.clock * 1000 + (who ? 500 : 0) * pick(2))));
    s.action = action;
    s.actor = who ? "bravo-officer" : "alpha-officer";
    s.args = std::move(args);
    if (action == "open") s.received_at = s.sent_at;
    ItemLog trial = n.log;
    trial.shared.push_back(s);
    if (replay(kDispute, kId, trial).last_error) return;
    n.log = std::move(trial);
    in_flight_[who].push_back(s);
  }

  // The oldest envelope in flight from `from` arrives (links are FIFO).
  void deliver(int from) {
    SharedAction s = in_flight_[from].front();
    in_flight_[from].pop_front();
    s.side = Side::theirs;
    nodes_[1 - from].log.shared.push_back(s);
  }

  std::mt19937 rng_;
  Node nodes_[2];
  std::deque<SharedAction> in_flight_[2];
  int envelopes_ = 0;
};

TEST(DisputeReplay, BothNodesAgreeWhateverOrderTheEnvelopesCrossIn) {
  std::map<std::string, int> states;
  std::size_t voids = 0;
  for (unsigned seed = 1; seed <= 300; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Histories h(seed);
    h.run();
    h.check();
    for (const auto& [s, n] : h.states_) states[s] += n;
    voids += h.voids_;
    if (HasFailure()) break;
  }
  // The generator reaches the ends and the crossings it is meant to test.
  EXPECT_GT(states["settled"], 0);
  EXPECT_GT(states["withdrawn"], 0);
  EXPECT_GT(voids, 0U);
}

}  // namespace dispute_replay_test
}  // namespace hotline::service
