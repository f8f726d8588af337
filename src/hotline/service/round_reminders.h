// Reminders of review rounds (docs/review.md, "Review rounds"): recorded
// like escalations (escalation_service.h), once per (round, trigger), each
// as an event "round_reminder" and an escalation row the webhook job posts
// (webhook_state "pending", or "no_webhook" when none is configured):
//   "round.meeting.7d", "round.meeting.1d"  the meeting of a round not closed
//       or cancelled is 7 days (1 day) away or less; only the nearest
//       threshold reached is recorded (a round proposed 3 days ahead gets
//       the 7-day reminder, then the 1-day one);
//   "round.action.<N>.overdue"  action item N (from 1) of a closed round is
//       past its due date and not done (round_support.h).
// Rounds are TLP:AMBER: the payload names the round's title and the action
// item's text.
//
// Thread-safety: none of its own; each call is one snapshot and one write
// transaction on the node's store.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/records.h"

namespace hotline::service {

inline constexpr int kRoundReminderDays[] = {1, 7};  // nearest first

// Records the reminders due at `now`; returns those recorded by this call.
// `known` (optional, the caller's memo): "<round id> <trigger>" of the
// reminders recorded before; those are not looked up again, and every
// reminder found due is added to it once stored (or found stored).
std::vector<store::EscalationRecord> check_round_reminders(Node& node, TimePoint now,
                                                           std::set<std::string>* known = nullptr);

}  // namespace hotline::service
