#include "hotline/service/round_support.h"

#include <algorithm>

#include "hotline/common/error.h"
#include "hotline/service/dispute_facts.h"
#include "hotline/service/item_replay.h"
#include "hotline/service/review_body.h"
#include "hotline/service/review_facts.h"

namespace hotline::service {

bool action_item_overdue(const nlohmann::json& item, TimePoint now) {
  if (!item.is_object() || item.value("done", false)) return false;
  const std::string due = item.value("due", "");
  if (due.size() != 10) return false;
  return format_timestamp(now).substr(0, 10) > due;
}

void mark_overdue_action_items(nlohmann::json& document, TimePoint now) {
  if (document.value("item_kind", "") != kRound || !document.contains("action_items") ||
      !document["action_items"].is_array()) {
    return;
  }
  int overdue = 0;
  // A cancelled round's action items were never agreed.
  const bool cancelled = document.value("state", "") == "cancelled";
  for (auto& item : document["action_items"]) {
    const bool late = !cancelled && action_item_overdue(item, now);
    item["overdue"] = late;
    overdue += late ? 1 : 0;
  }
  document["action_items_overdue"] = overdue;
}

std::vector<review::OpenActionItem> open_action_items(store::Transaction& tx,
                                                      const std::string& link,
                                                      const std::string& ours,
                                                      const std::string& theirs) {
  auto rounds = tx.list_items(kRound, link, 100000);
  // Oldest first: the ids are UUIDv7, their order is their creation's.
  std::sort(rounds.begin(), rounds.end(),
            [](const store::ItemRecord& x, const store::ItemRecord& y) { return x.id < y.id; });
  std::vector<review::OpenActionItem> out;
  for (const auto& rec : rounds) {
    if (rec.state != "closed") continue;
    const auto doc = nlohmann::json::parse(rec.document);
    const auto& items = doc.at("action_items");
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items[i].value("done", false)) continue;
      out.push_back({rec.id, i, items[i].value("text", ""),
                     items[i].value("owner", "") == "ours" ? ours : theirs,
                     items[i].value("due", "")});
    }
  }
  return out;
}

namespace {

// The number at `pointer` in `body`, 0 when absent.
std::int64_t number_at(const nlohmann::json& body, const std::string& pointer) {
  const nlohmann::json::json_pointer p(pointer);
  if (!body.contains(p) || !body[p].is_number_integer()) return 0;
  return body[p].get<std::int64_t>();
}

// Requests, alerts and checks of the current period, both directions.
std::int64_t items_counted(const nlohmann::json& body) {
  std::int64_t n = 0;
  for (const char* d : {"/directions/0", "/directions/1"}) {
    n += number_at(body, std::string(d) + "/requests_total/current/received");
    n += number_at(body, std::string(d) + "/alerts_total/current/raised");
    n += number_at(body, std::string(d) + "/checks/current/held");
  }
  return n;
}

// One line for what a large period's agenda does not list one by one.
model::AgendaPoint too_many_point(const nlohmann::json& body, std::int64_t counted) {
  std::int64_t overdue = 0, declined = 0;
  for (const char* d : {"/directions/0", "/directions/1"}) {
    overdue += number_at(body, std::string(d) + "/requests_total/current/overdue_at_end");
    declined += number_at(body, std::string(d) + "/requests_total/current/declined/total");
  }
  return {"Requests, alerts and checks in the period: " + std::to_string(counted) +
              " (requests overdue: " + std::to_string(overdue) + ", declined: " +
              std::to_string(declined) + "), too many to list one by one; see the report",
          "records", ""};
}

}  // namespace

std::vector<model::AgendaPoint> records_agenda(store::Transaction& tx, const std::string& link,
                                               const std::string& our_key, TimePoint from,
                                               TimePoint to, const std::string& ours,
                                               const std::string& theirs, std::int64_t max_judged) {
  const review::Millis from_ms = from.time_since_epoch().count();
  const review::Millis to_ms = to.time_since_epoch().count();
  const auto agreements = agreements_in_force(tx, link);
  const review::Party party = our_party(agreements.back().document, our_key);
  const review::Cut cut = held_cut(tx, link, party);
  // A judgement costs about 4 KB: a period with more items than
  // `max_judged` gets its figures and one line for the rest.
  const nlohmann::json body = compute_review_body(tx, link, party, from_ms, to_ms, cut, false).body;
  const std::int64_t counted = items_counted(body);
  std::vector<review::Judgement> judgements;
  if (counted <= max_judged) {
    judgements = compute_review_body(
                     tx, link, party, from_ms, to_ms, cut, true,
                     [](std::string_view, std::string_view period) { return period == "current"; })
                     .judgements;
  }
  const DisputeReview disputes = dispute_facts(tx, link, party);
  auto points = review::propose_agenda(body, judgements, disputes.disputes,
                                       open_action_items(tx, link, ours, theirs));
  if (counted > max_judged) points.insert(points.begin(), too_many_point(body, counted));
  return points;
}

}  // namespace hotline::service
