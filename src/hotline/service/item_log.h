// The action log of a shared item (alert, request or case) and the rule that
// puts both sides' actions in one order (docs/protocol.md §7.3).
//
// Both nodes keep the same shared actions: their own, and the peer's as they
// arrive in envelopes. Each shared action records
//   n     its index among its own side's shared actions on the item, and
//   seen  how many of the other side's shared actions its author had applied
//         when acting.
// The agreed order (linearize) merges the two sides' sequences so that every
// action comes after the other side's actions it had seen; two actions
// neither of which had seen the other (concurrent) are ordered by their
// signed sent_at, then by envelope id (byte order). Both nodes hold the
// same actions with the same (n, seen, sent_at, envelope) values, with the
// sides swapped, so both compute the same order; replaying it through the
// model gives both the same state. An action that is no longer possible at
// its place in the order (the other side's concurrent action got there
// first) is void: it stays in the log and is shown, but changes nothing.
//
// Local actions (a request's draft and approval, a case's private notes)
// never travel; they are applied before (drafts) or after (notes) the shared
// ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/model/labels.h"

namespace hotline::service {

struct SharedAction {
  model::Side side = model::Side::ours;  // whose action, seen from this node
  std::int64_t n = 0;
  std::int64_t seen = 0;
  std::string envelope;  // id of the envelope that carries it
  std::string sent_at;   // that envelope's sent_at (its author's clock)
  // When the creating action's envelope was stored by the receiving node
  // (its clock, from the receipt); empty until known. Other actions: empty.
  std::string received_at;
  std::string action;  // "acknowledge", "respond_final", ...
  std::string actor;   // the person who acted, as the acting node names them
  nlohmann::json args = nlohmann::json::object();
  bool operator==(const SharedAction&) const = default;
};

struct LocalAction {
  std::string action;  // "create", "approve", "note"
  std::string actor;
  std::string at;
  nlohmann::json args = nlohmann::json::object();
  bool operator==(const LocalAction&) const = default;
};

struct ItemLog {
  std::vector<LocalAction> local;
  std::vector<SharedAction> shared;  // in arrival order
  std::int64_t count(model::Side side) const;
  bool operator==(const ItemLog&) const = default;
};

nlohmann::json to_json(const ItemLog& log);
// Strict; throws "item_invalid".
ItemLog item_log_from_json(const nlohmann::json& j);

// The agreed order (see above): indexes into log.shared. Throws
// "item_invalid" if the log is inconsistent (an action that saw more of the
// other side's actions than exist, or n values with gaps).
std::vector<std::size_t> linearize(const ItemLog& log);

}  // namespace hotline::service
