// What the review counts, per item: the facts of one alert, request, case or
// dispute as both nodes hold them alike (the link's signed envelopes and
// receipts), named by party ("a" and "b" of the agreement), never by
// "ours"/"theirs". Plain values: no behaviour, no I/O. The service layer
// builds them from the item logs (service/review_facts.h); the report
// (report.h) judges them.
//
// Every act carries the envelope that made it: its signed sent_at (the
// acting party's clock) and its seq on the acting party's direction of the
// link. A report's cut names the last seq it includes in each direction; an
// act on a later seq is treated as not (yet) done.
//
// Which party acts: the asker (the party that raised the alert or sent the
// request) sends, answers clarifications, withdraws and closes (with its
// rating); the responder receives (its signed receipt gives received_at),
// acknowledges, asks for clarification, responds, declines and, for alerts,
// escalates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hotline::review {

using Millis = std::int64_t;  // milliseconds since 1970-01-01T00:00:00Z

enum class Party { a, b };  // the agreement's parties
Party other(Party p);
std::string_view to_string(Party p);  // "a" or "b"
// "a" or "b"; anything else throws hotline::Error "review_invalid".
Party parse_party(std::string_view text);

// One act, carried by one envelope.
struct Act {
  Millis at = 0;         // the envelope's signed sent_at
  std::int64_t seq = 0;  // its seq on the acting party's direction
  bool operator==(const Act&) const = default;
};

// A clarification asked by the responder and (maybe) answered by the asker:
// the deadline clock stops between the two (model/deadline.h).
struct Clarification {
  Act asked;
  std::optional<Act> answered;
  bool operator==(const Clarification&) const = default;
};

// The asker's rating given when closing (the last one in force).
struct RatingFact {
  int completeness = 0;  // 1..5
  int usefulness = 0;    // 1..5
  Act given;
  bool operator==(const RatingFact&) const = default;
};

// An alert (kind "alert") or a request (kind "request.information", ...:
// the agreement's kind names, model::kKinds).
struct ItemFacts {
  std::string id;
  std::string kind;
  std::string priority;  // "urgent" or "normal"
  Party asker = Party::a;
  bool check = false;  // an alert sent as a communication check
  Act sent;            // the creating envelope (alert raise, request send)
  // The responder's signed receipt of the creating envelope: when the
  // deadlines start. None while that receipt is not held (in flight).
  std::optional<Millis> received_at;
  std::optional<Act> acknowledged;    // the first acknowledgement (by a person)
  std::optional<Act> first_response;  // the first respond_partial or respond_final
  std::optional<Act> final_response;  // the first respond_final
  std::vector<Clarification> clarifications;
  std::optional<Act> declined;
  std::string decline_reason;  // model::DeclineReason name when declined
  std::optional<Act> withdrawn;
  std::optional<Act> closed;         // closed by the asker (request) / either side (alert)
  std::optional<RatingFact> rating;  // requests: the rating in force
  std::vector<Act> escalations;      // alerts: each escalation step (responder's node)
  bool operator==(const ItemFacts&) const = default;
};

// A shared case: what was asked and given in it.
struct CaseFacts {
  std::string id;
  Party opened_by = Party::a;
  Act opened;
  struct Change {
    Party by = Party::a;
    Act act;
    bool closes = true;  // close; false: reopen
    bool operator==(const Change&) const = default;
  };
  std::vector<Change> changes;  // closes and reopens, in the agreed order
  struct Link {
    Party by = Party::a;
    Act act;
    std::string item;  // the linked alert's or request's id
    bool operator==(const Link&) const = default;
  };
  std::vector<Link> requests, alerts;
  bool operator==(const CaseFacts&) const = default;
};

// A dispute between the parties (model/dispute.h).
struct DisputeFacts {
  std::string id;
  std::string ground;  // "timeliness", "quality", "attribution", "jurisdiction", "other"
  Party opened_by = Party::a;
  Act opened;
  std::optional<Act> settled;  // the settlement signed by both (the second signature)
  std::optional<Act> withdrawn;
  // Whose envelopes carry `settled` and `withdrawn` (for the cut).
  Party settled_by = Party::a;
  Party withdrawn_by = Party::a;
  bool operator==(const DisputeFacts&) const = default;
};

// An agreed adjustment from a settled timeliness dispute: the named deadline
// of the item counts as met ("the deadline was extended by phone on ...").
struct Adjustment {
  std::string item;
  std::string deadline;         // "acknowledge", "first_response" or "final_response"
  std::string dispute;          // the dispute that settled it
  std::string text;             // the settlement's words
  Act settled;                  // applies only when this act is inside the cut
  Party settled_by = Party::a;  // whose envelope carries `settled`
  bool operator==(const Adjustment&) const = default;
};

}  // namespace hotline::review
