// Deadlines of an item, computed from the agreement in force when the item
// was received (model/deadline.h has the arithmetic and the counting rule).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/model/agreement.h"
#include "hotline/model/time_zone.h"
#include "hotline/service/item_replay.h"
#include "hotline/store/store.h"

namespace hotline::service {

struct DeadlineView {
  std::string name;  // "acknowledge" or "respond"
  std::int64_t minutes = 0;
  std::string calendar;               // "always" or "office_hours"
  std::string start;                  // receipt time
  std::optional<std::string> due_at;  // none while an open pause stops the clock
  std::optional<std::string> met_at;
  std::int64_t permille = 0;  // share used by met_at, or by now when not met
  // "running", "paused", "overdue", "met", "met_late", "stopped" (the item
  // ended without it: declined, withdrawn, closed)
  std::string status;
  // Which side has to meet it, seen from this node.
  model::Side side = model::Side::ours;
};
nlohmann::json to_json(const DeadlineView& d);

// The accepted agreement of `link` in force at `at`: the highest amendment
// accepted at or before it (the first accepted one if all came later).
std::optional<model::Agreement> agreement_at(store::Transaction& tx, const std::string& link,
                                             TimePoint at);

// The zone, loaded once per name (thread-safe cache over load_time_zone()).
model::TimeZone zone_named(const std::string& name);

// Deadlines of an alert (acknowledge) or request (acknowledge, respond);
// none for cases, drafts and items not yet received.
std::vector<DeadlineView> deadlines_of(store::Transaction& tx, const std::string& link,
                                       const Replayed& item, TimePoint now);

}  // namespace hotline::service
