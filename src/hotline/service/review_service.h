// Use cases of the review report (docs/review.md, "Making, verifying and
// signing a report"): the body of a link for a period from this node's store
// (review_facts.h feeding review/report.h), the signed report file, its
// verification by the other node, its signature by both (an agreed report,
// kept in both ledgers by the "review.agreed" envelope), and the items behind
// one figure.
//
// The report file (canonical JSON, RFC 8785):
//   {"format":"hotline.review-report/1","body":{...},
//    "signatures":[{"party":"a"|"b","name":NAME,"key":KEY,"tree_head":STH,
//                   "signature":SIG}],
//    "judgements":[...]}            (optional, for the other node's verify)
// Each signature is its party's Ed25519 signature over the canonical body;
// its tree head (ledger/tree_head.h) is the signer's log when it signed,
// holding every envelope and receipt the body used.
//
// Errors (hotline::Error codes): peer_unknown, agreement_missing,
// review_invalid (the file is not a report; names the member), review_unknown
// (no report with that id here), review_mismatch (sign: the body differs from
// ours), review_period_invalid (from >= to).
//
// Thread-safety: free functions; each reads in one snapshot and writes in
// one transaction of the node's store.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/common/time.h"
#include "hotline/link/envelope.h"
#include "hotline/link/link_context.h"
#include "hotline/review/report.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/node_dir.h"
#include "hotline/store/records.h"

namespace hotline::service {

inline constexpr const char* kReviewAgreed = "review.agreed";  // envelope type
inline constexpr const char* kReportFormat = "hotline.review-report/1";

// The canonical body of the link to `peer` for [from, to), cut at what
// this node holds now (no signatures): what a round's agenda is made from.
nlohmann::json review_body(Node& node, const std::string& peer, TimePoint from, TimePoint to);

struct ReviewView {
  store::ReviewRecord record;
  nlohmann::json report;  // the report file
  std::string peer;       // the peer's name
};

// Makes the report (body at the held cut, our tree head, our signature),
// keeps it (state "made") and returns it; with_judgements adds every
// counted item's judgement (about 4 KB each) for the peer's verify.
ReviewView make_report(Node& node, const std::string& peer, TimePoint from, TimePoint to,
                       TimePoint now, bool with_judgements = false,
                       const AuditContext* audit = nullptr);

// What verify found. `matches`: our body at the report's cut is the same,
// byte for byte, and every signature verifies.
struct VerifyResult {
  std::string id;  // the report's id (hex SHA-256 of its canonical body)
  std::string peer;
  bool matches = false;
  bool body_matches = false;
  std::vector<std::string> signature_problems;  // each bad signature, named
  // The bodies differ, but this node does not yet hold everything inside
  // the report's cut (envelopes or receipts still in flight): what is
  // missing, in words; verify again once they arrive.
  std::optional<std::string> in_flight;
  std::vector<review::FigureDifference> figures;
  std::vector<review::ItemDifference> items;  // when the report holds judgements
  // Lines for people: "matches" or each problem and difference.
  std::vector<std::string> lines() const;
};
VerifyResult verify_report(Node& node, const nlohmann::json& report);

// Adds our signature to a report that verifies (review_mismatch naming the
// first problem otherwise), keeps it as agreed, and sends it to the peer in
// a "review.agreed" envelope so both ledgers hold the agreed report.
ReviewView sign_report(Node& node, const nlohmann::json& report, TimePoint now,
                       const AuditContext* audit = nullptr);

// The peer's "review.agreed" envelope (node/inbound.h): both signatures are
// checked against the agreement's keys and the report kept as agreed.
void apply_review_agreed(store::Transaction& tx, const link::LinkContext& ctx,
                         const link::Envelope& e, const std::string& received_at);

// Reports kept here, newest first (peer "" = all peers).
std::vector<ReviewView> list_reports(store::Store& store, const std::string& peer,
                                     std::size_t limit);
// A kept report by id or a prefix of it (at least 8 characters).
ReviewView show_report(store::Store& store, const std::string& id_or_prefix);

// The items behind one figure (a JSON pointer into the body, e.g.
// "/directions/0/requests_total/current/acknowledge/late").
struct Explanation {
  std::string figure;
  nlohmann::json value;  // the figure's value in the body
  std::vector<review::Judgement> items;
  std::vector<std::string> lines;  // review::describe of each
};
Explanation explain_figure(Node& node, const std::string& peer, TimePoint from, TimePoint to,
                           const std::string& figure);

// Parses a report file's text strictly (review_invalid naming what is wrong).
nlohmann::json parse_report(const std::string& text);

}  // namespace hotline::service
