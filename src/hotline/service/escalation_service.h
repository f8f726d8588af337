// Escalations: the duty desk's alarms when a deadline runs out
// (docs/operations.md, "Escalation webhooks").
//
// check_escalations() looks at every open alert and request and records an
// escalation, once per (item, trigger), when
//   - an alert we received is still unacknowledged when its acknowledgement
//     deadline passes ("alert.acknowledge.100"; again at twice the deadline,
//     "alert.acknowledge.200"). The alert's escalation level rises with it
//     (1, 2), and that is a shared action: the raising side sees it too;
//   - a request, in either direction, has used 50 %, 80 % and 100 % of its
//     acknowledgement or response deadline ("request.acknowledge.80",
//     "request.respond.100", ...), clarification pauses not counted.
// Each escalation is recorded as an event and queued for the webhook
// (webhook_state "pending"), except items labelled TLP:RED ("withheld": their
// content never leaves the node) and when no webhook is configured
// ("no_webhook").
//
// A running node checks every second. EscalationWatch makes that cheap with
// thousands of open items: it remembers, per item, when the next trigger can
// come at the earliest, and looks at the item again only then or when the
// item changes (and at least once a minute).
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/records.h"

namespace hotline::service {

inline constexpr int kAlertThresholds[] = {100, 200};
inline constexpr int kRequestThresholds[] = {50, 80, 100};

// Returns the escalations recorded by this call. Looks at every open item.
std::vector<store::EscalationRecord> check_escalations(Node& node, TimePoint now);

// The same check, remembering between calls which items cannot reach a new
// trigger yet. Thread-safe; one per node.
class EscalationWatch {
 public:
  std::vector<store::EscalationRecord> check(Node& node, TimePoint now);
  // How many items the last check() looked at in full (for tests).
  std::size_t last_examined() const;

  struct Memo {
    std::string updated_at;  // the item as it was when looked at
    TimePoint next_look;     // no trigger can be reached before this
  };

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, Memo> memo_;
  std::size_t last_examined_ = 0;
};

}  // namespace hotline::service
