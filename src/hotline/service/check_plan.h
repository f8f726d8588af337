// Communication checks (docs/review.md): when this node owes a peer the
// check of the current period. Support for the node's check job and for
// desk_service, which records each check it sends (record_check_sent, in the
// transaction that sends it) so that a period gets exactly one scheduled
// check, through crashes and restarts.
//
// The moment of each period's check is drawn from a secret of this node (a
// random seed kept in its settings) with the link and the period's index:
// the peer cannot predict it, and a restart does not move it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hotline/common/time.h"
#include "hotline/store/store.h"

namespace hotline::service {

struct DueCheck {
  std::int64_t period = 0;  // index from the agreement's entry into force
  TimePoint moment;         // when it fell due
};

// The check this node owes the peer of `link` at `now`: the agreement in
// force schedules checks, the moment of the current period's check has
// come, and no check was sent since the period began. Reads only.
std::optional<DueCheck> due_check(store::Transaction& tx, const std::string& link, TimePoint now);

// Makes this node's secret for drawing check moments, once (the check job
// calls it when it starts; due_check owes nothing before).
void ensure_check_seed(store::Transaction& tx);

// Records that a check went to the peer of `link` at `at` (desk_service
// calls it in the transaction that sends one).
void record_check_sent(store::Transaction& tx, const std::string& link, TimePoint at);

}  // namespace hotline::service
