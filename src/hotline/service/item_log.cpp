#include "hotline/service/item_log.h"

#include <algorithm>
#include <tuple>

#include "hotline/common/error.h"
#include "hotline/model/json_check.h"

namespace hotline::service {
namespace {

const model::JsonCheck kCheck{"item_invalid", "item log"};

nlohmann::json shared_json(const SharedAction& a) {
  return {{"side", model::to_string(a.side)},
          {"n", a.n},
          {"seen", a.seen},
          {"envelope", a.envelope},
          {"sent_at", a.sent_at},
          {"received_at", a.received_at},
          {"action", a.action},
          {"actor", a.actor},
          {"args", a.args}};
}

SharedAction shared_from_json(const nlohmann::json& j, const std::string& path) {
  kCheck.object(
      j, path,
      {"side", "n", "seen", "envelope", "sent_at", "received_at", "action", "actor", "args"});
  SharedAction a;
  a.side = kCheck.side(j["side"], path + ".side");
  a.n = kCheck.integer(j["n"], path + ".n", 0, 1'000'000);
  a.seen = kCheck.integer(j["seen"], path + ".seen", 0, 1'000'000);
  a.envelope = kCheck.string(j["envelope"], path + ".envelope");
  a.sent_at = kCheck.string(j["sent_at"], path + ".sent_at");
  a.received_at = kCheck.string(j["received_at"], path + ".received_at");
  a.action = kCheck.string(j["action"], path + ".action");
  a.actor = kCheck.string(j["actor"], path + ".actor");
  if (!j["args"].is_object()) kCheck.fail(path + ".args", "must be an object");
  a.args = j["args"];
  return a;
}

}  // namespace

std::int64_t ItemLog::count(model::Side side) const {
  return static_cast<std::int64_t>(
      std::count_if(shared.begin(), shared.end(), [&](const auto& a) { return a.side == side; }));
}

nlohmann::json to_json(const ItemLog& log) {
  nlohmann::json local = nlohmann::json::array();
  for (const auto& a : log.local) {
    local.push_back({{"action", a.action}, {"actor", a.actor}, {"at", a.at}, {"args", a.args}});
  }
  nlohmann::json shared = nlohmann::json::array();
  for (const auto& a : log.shared) shared.push_back(shared_json(a));
  return {{"local", local}, {"shared", shared}};
}

ItemLog item_log_from_json(const nlohmann::json& j) {
  kCheck.object(j, "", {"local", "shared"});
  ItemLog log;
  const auto& local = kCheck.array(j["local"], "local");
  for (std::size_t i = 0; i < local.size(); ++i) {
    const std::string path = model::element_path("local", i);
    kCheck.object(local[i], path, {"action", "actor", "at", "args"});
    LocalAction a;
    a.action = kCheck.string(local[i]["action"], path + ".action");
    a.actor = kCheck.string(local[i]["actor"], path + ".actor");
    a.at = kCheck.string(local[i]["at"], path + ".at");
    if (!local[i]["args"].is_object()) kCheck.fail(path + ".args", "must be an object");
    a.args = local[i]["args"];
    log.local.push_back(std::move(a));
  }
  const auto& shared = kCheck.array(j["shared"], "shared");
  for (std::size_t i = 0; i < shared.size(); ++i) {
    log.shared.push_back(shared_from_json(shared[i], model::element_path("shared", i)));
  }
  return log;
}

std::vector<std::size_t> linearize(const ItemLog& log) {
  // Each side's actions by n; n must be 0, 1, 2, ... without gaps.
  std::vector<std::size_t> side_seq[2];
  for (std::size_t i = 0; i < log.shared.size(); ++i) {
    side_seq[log.shared[i].side == model::Side::ours ? 0 : 1].push_back(i);
  }
  for (auto& seq : side_seq) {
    std::sort(seq.begin(), seq.end(),
              [&](std::size_t x, std::size_t y) { return log.shared[x].n < log.shared[y].n; });
    for (std::size_t k = 0; k < seq.size(); ++k) {
      if (log.shared[seq[k]].n != static_cast<std::int64_t>(k)) {
        throw Error(ErrorCategory::invalid_input, "item_invalid",
                    "item log: actions of one side are not numbered 0, 1, 2, …");
      }
    }
  }
  std::vector<std::size_t> out;
  std::size_t next[2] = {0, 0};
  while (next[0] < side_seq[0].size() || next[1] < side_seq[1].size()) {
    bool ready[2];
    for (int s = 0; s < 2; ++s) {
      ready[s] = next[s] < side_seq[s].size() &&
                 log.shared[side_seq[s][next[s]]].seen <= static_cast<std::int64_t>(next[1 - s]);
    }
    int pick = -1;
    if (ready[0] && ready[1]) {
      const auto& a = log.shared[side_seq[0][next[0]]];
      const auto& b = log.shared[side_seq[1][next[1]]];
      pick = std::tie(a.sent_at, a.envelope) <= std::tie(b.sent_at, b.envelope) ? 0 : 1;
    } else if (ready[0]) {
      pick = 0;
    } else if (ready[1]) {
      pick = 1;
    } else {
      throw Error(ErrorCategory::invalid_input, "item_invalid",
                  "item log: an action saw more of the other side's actions than exist");
    }
    out.push_back(side_seq[pick][next[pick]++]);
  }
  return out;
}

}  // namespace hotline::service
