// The review report's body: the figures of one link for one period, a pure
// function of the items' facts (facts.h), the agreements in force and the
// time zones. Both nodes feed it the same facts and get the same body, byte
// for byte (RFC 8785 of body()). Pure: no I/O, no clock (time zones arrive
// as values; the service loads them).
//
// THE RULES (copy into docs/review.md)
// - Period [from, to). The previous period is the one of the same length
//   that ends at `from`; every figure is given for both.
// - An item belongs to the period in which the responder received it
//   (received_at, from its signed receipt). Items without a receipt inside
//   the cut are in flight and not counted.
// - Nothing at or after `to` counts, and no act on a seq beyond the cut in
//   its direction: the figures are as of `to`.
// - Each item is judged by the agreement in force when it was received: the
//   highest amendment whose `in_force_from` <= received_at (the first one if
//   none). Deadlines are counted as that agreement counts them (24/7 or the
//   responder's office hours and holidays, model/deadline.h), clarification
//   pauses excluded.
// - A deadline is met on time when the act's signed sent_at <= the deadline.
//   Status of each deadline of each item: on_time, late, pending (not due by
//   `to`, not met), overdue (due before `to`, not met, the item still open),
//   ended (declined or withdrawn before it was met), no_deadline (the
//   agreement sets none).
// - Durations are counted seconds (deadline.h's elapsed_counted, rounded
//   down): median = the lower median (sorted[(n-1)/2]); p90 = nearest rank
//   (sorted[ceil(0.9 n) - 1]); mean = sum / n rounded down. Null when n = 0.
// - Shares are given as counts and as permille (floor(n * 1000 / of)).
// - An agreed adjustment (a settled timeliness dispute) makes the named
//   deadline count as on_time; the body lists every adjustment applied.
//
// Thread-safety: a ReportBuilder is used by one thread at a time; the free
// functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/model/agreement.h"
#include "hotline/model/time_zone.h"
#include "hotline/review/facts.h"

namespace hotline::review {

// The body's format name: "hotline.review/1".
inline constexpr const char* kBodyFormat = "hotline.review/1";

// An accepted agreement of the link, in force from `in_force_from` (the
// acceptance envelope's signed sent_at, which both nodes hold alike).
struct AgreementInForce {
  std::string digest;  // hex SHA-256 of its canonical document
  Millis in_force_from = 0;
  model::Agreement document;
};

// The last seq included in each direction (a_to_b: envelopes sent by a).
struct Cut {
  std::int64_t a_to_b = 0;
  std::int64_t b_to_a = 0;
  bool operator==(const Cut&) const = default;
};

struct ReviewContext {
  std::string link;
  Millis from = 0, to = 0;  // the period, from < to
  Cut cut;
  std::string tzdb;  // the time-zone database version used ("2025b")
  // Accepted agreements, ascending amendment; at least one.
  std::vector<AgreementInForce> agreements;
  // Every time zone the agreements' parties name, by IANA name.
  std::map<std::string, model::TimeZone> zones;
  std::vector<Adjustment> adjustments;
};

// How one item was judged: one line per item and period it counts in, for
// `hotline review explain` and for naming what differs between two nodes.
// `group` is the figure group it counts in, e.g.
// "a_to_b/requests/request.information/normal", "b_to_a/alerts/urgent",
// "a_to_b/checks", "disputes", "cases"; `detail` holds the times used and the
// status of each deadline: {"received_at", "acknowledge": {"due", "at",
// "status", "counted_s"}, "first_response": {...}, ...} (timestamps as
// RFC 3339 text).
struct Judgement {
  std::string item;
  std::string group;
  std::string period;  // "current" or "previous"
  nlohmann::json detail;
  bool operator==(const Judgement&) const = default;
};

// Accumulates facts in any order and makes the body. Memory: a few integers
// per counted item and deadline (the durations for medians), plus the
// judgements when keep_judgements is set.
class ReportBuilder {
 public:
  // Throws hotline::Error "review_invalid" (from >= to, no agreement, a
  // party zone missing from `zones`).
  explicit ReportBuilder(ReviewContext context, bool keep_judgements = false);
  ~ReportBuilder();
  ReportBuilder(const ReportBuilder&) = delete;
  ReportBuilder& operator=(const ReportBuilder&) = delete;

  // With keep_judgements: keep only the judgements of the groups and periods
  // `wanted` accepts (for example those may_explain() admits for one figure),
  // so that explaining a figure keeps only its own items' judgements (a kept
  // judgement costs about 4 KB). Call before the first add().
  void keep_only(std::function<bool(std::string_view group, std::string_view period)> wanted);

  void add(const ItemFacts& item);
  void add(const CaseFacts& c);
  void add(const DisputeFacts& d);

  // The body (see docs/review.md for its members). Call once.
  nlohmann::json body();
  // The judgements of every counted item, sorted by (group, period, item);
  // empty unless keep_judgements. Call once, after body() (they are moved
  // out, not copied).
  std::vector<Judgement> judgements();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Whether a judgement lies behind the figure at `path` (a JSON pointer into
// the body, e.g. "/directions/0/requests/2/current/acknowledge/late").
bool explains(const nlohmann::json& body, const Judgement& j, std::string_view path);

// Whether judgements of `group` and `period` may lie behind the figure at
// `path` (explains() then decides by their detail): the filter for keep_only().
bool may_explain(const nlohmann::json& body, std::string_view group, std::string_view period,
                 std::string_view path);

// One line for people: "request 0193…a1b2: received 2026-03-02T09:00:00Z,
// acknowledge due 2026-03-02T10:00:00Z, done 2026-03-02T09:41:12Z: on time".
std::string describe(const Judgement& j, const nlohmann::json& body);

// A figure that differs between two bodies: its JSON pointer and both values.
struct FigureDifference {
  std::string path;
  nlohmann::json mine, theirs;
};
// Every leaf that differs (members present in one body only included).
std::vector<FigureDifference> compare_bodies(const nlohmann::json& mine,
                                             const nlohmann::json& theirs);

// An item judged differently by the two sides: which field, both values,
// and a sentence naming it ("request …: alpha counts the response on time,
// bravo's receipt says 2026-03-02T10:14:05Z, 3 h after the deadline").
struct ItemDifference {
  std::string item, group, field;
  nlohmann::json mine, theirs;
  std::string text;
};
std::vector<ItemDifference> compare_judgements(const std::vector<Judgement>& mine,
                                               const std::vector<Judgement>& theirs,
                                               const nlohmann::json& body,
                                               const std::string& my_name,
                                               const std::string& their_name);

}  // namespace hotline::review
