#include "hotline/service/review_service.h"

#include <algorithm>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/crypto/sha256.h"
#include "hotline/ledger/tree_head.h"
#include "hotline/link/outbound.h"
#include "hotline/service/dispute_facts.h"
#include "hotline/service/link_support.h"
#include "hotline/service/review_body.h"
#include "hotline/service/review_facts.h"
#include "hotline/service/tree_heads.h"

namespace hotline::service {
namespace {
namespace review_service_detail {

using nlohmann::json;
using review::Millis;
using review::Party;

[[noreturn]] void invalid(const std::string& what) {
  throw Error(ErrorCategory::invalid_input, "review_invalid", "the report " + what);
}

Millis millis(TimePoint t) {
  return t.time_since_epoch().count();
}

// The link's agreements and our letter in them.
struct Sides {
  std::vector<review::AgreementInForce> agreements;
  Party ours = Party::a;
  const model::Party& party(Party p) const {
    const auto& doc = agreements.back().document;
    return p == Party::a ? doc.a : doc.b;
  }
};

Sides sides_of(store::Transaction& tx, const Node& node, const std::string& link) {
  Sides s;
  s.agreements = agreements_in_force(tx, link);
  s.ours = our_party(s.agreements.back().document, node.identity.public_key().encoded());
  return s;
}

std::string body_id(const json& body) {
  return to_hex(crypto::sha256(crypto::canonicalize(body)));
}

nlohmann::json judgement_json(const review::Judgement& j) {
  return {{"item", j.item}, {"group", j.group}, {"period", j.period}, {"detail", j.detail}};
}

std::vector<review::Judgement> judgements_from(const json& report) {
  std::vector<review::Judgement> out;
  if (!report.contains("judgements")) return out;
  const auto& list = report["judgements"];
  if (!list.is_array()) invalid("member /judgements is not an array");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& j = list[i];
    if (!j.is_object() || !j.contains("item") || !j["item"].is_string() || !j.contains("group") ||
        !j["group"].is_string() || !j.contains("period") || !j["period"].is_string() ||
        !j.contains("detail") || !j["detail"].is_object()) {
      invalid("member /judgements/" + std::to_string(i) + " is not {item, group, period, detail}");
    }
    out.push_back(review::Judgement{j["item"], j["group"], j["period"], j["detail"]});
  }
  return out;
}

const json& member(const json& j, const std::string& path, const char* name) {
  if (!j.is_object() || !j.contains(name)) invalid("has no member " + path + "/" + name);
  return j[name];
}

Millis time_member(const json& j, const std::string& path, const char* name) {
  const json& v = member(j, path, name);
  if (!v.is_string()) invalid("member " + path + "/" + name + " is not a timestamp");
  try {
    return millis(parse_timestamp(v.get<std::string>()));
  } catch (const Error&) {
    invalid("member " + path + "/" + name + " is not a timestamp");
  }
}

std::int64_t seq_member(const json& cut, const char* name) {
  const json& v = member(cut, "/body/cut", name);
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
    invalid("member /body/cut/" + std::string(name) + " is not a seq");
  }
  return v.get<std::int64_t>();
}

// What a report file says about itself, checked.
struct ReportShape {
  std::string link;
  Millis from = 0, to = 0;
  review::Cut cut;
};

ReportShape shape_of(const json& report) {
  if (!report.is_object()) invalid("is not a JSON object");
  const json& format = member(report, "", "format");
  if (format != kReportFormat) invalid("/format is not \"" + std::string(kReportFormat) + "\"");
  const json& body = member(report, "", "body");
  if (member(body, "/body", "format") != review::kBodyFormat) {
    invalid("/body/format is not \"" + std::string(review::kBodyFormat) + "\"");
  }
  ReportShape s;
  const json& link = member(body, "/body", "link");
  if (!link.is_string()) invalid("member /body/link is not a string");
  s.link = link.get<std::string>();
  const json& period = member(body, "/body", "period");
  s.from = time_member(period, "/body/period", "from");
  s.to = time_member(period, "/body/period", "to");
  const json& cut = member(body, "/body", "cut");
  s.cut = review::Cut{seq_member(cut, "a_to_b"), seq_member(cut, "b_to_a")};
  if (!member(report, "", "signatures").is_array()) invalid("member /signatures is not an array");
  return s;
}

store::PeerRecord peer_of_link(store::Transaction& tx, const std::string& link) {
  for (auto& p : tx.list_peers()) {
    if (p.link == link) return p;
  }
  throw Error(ErrorCategory::not_found, "peer_unknown",
              "the report is about link " + escape_text(link) + ", which has no peer on this node");
}

// Each signature of the report that does not hold, in words. `required`:
// the parties that must have signed.
std::vector<std::string> signature_problems(const json& report, const Sides& sides,
                                            const std::vector<Party>& required) {
  std::vector<std::string> out;
  const std::string canon = crypto::canonicalize(report["body"]);
  std::vector<Party> seen;
  const auto& sigs = report["signatures"];
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    const json& s = sigs[i];
    const std::string at = "signature " + std::to_string(i + 1);
    if (!s.is_object() || !s.contains("party") || !s["party"].is_string() ||
        (s["party"] != "a" && s["party"] != "b") || !s.contains("key") || !s["key"].is_string() ||
        !s.contains("signature") || !s["signature"].is_string() || !s.contains("tree_head")) {
      out.push_back(at + " is not {party, name, key, tree_head, signature}");
      continue;
    }
    const Party p = review::parse_party(s["party"].get<std::string>());
    const model::Party& who = sides.party(p);
    const std::string name = "the signature of party " + std::string(review::to_string(p)) + " (" +
                             escape_text(who.name) + ")";
    seen.push_back(p);
    if (s["key"] != who.public_key) {
      out.push_back(name + " names key " + escape_text(s["key"].get<std::string>()) +
                    ", not the agreement's " + who.public_key);
      continue;
    }
    bool ok = false;
    try {
      ok = crypto::verify(crypto::PublicKey::decode(who.public_key), canon,
                          crypto::decode_signature(s["signature"].get<std::string>()));
    } catch (const Error&) {
      ok = false;
    }
    if (!ok) out.push_back(name + " does not verify over the body");
    try {
      auto sth = s["tree_head"].get<ledger::SignedTreeHead>();
      if (sth.key != who.public_key ||
          !ledger::verify_tree_head(sth, crypto::PublicKey::decode(who.public_key))) {
        out.push_back(name + ": its tree head is not signed by " + who.public_key);
      }
    } catch (const Error& e) {
      out.push_back(name + ": its tree head is not one (" + e.what() + ")");
    }
  }
  for (Party p : required) {
    if (std::find(seen.begin(), seen.end(), p) == seen.end()) {
      out.push_back("the report carries no signature of party " +
                    std::string(review::to_string(p)) + " (" + escape_text(sides.party(p).name) +
                    ")");
    }
  }
  return out;
}

// Our signature entry: our tree head as the log stands (it holds everything
// the body was computed from, read earlier) and our signature over the body.
nlohmann::json our_signature(store::Transaction& tx, const Node& node, const Sides& sides,
                             const json& body, TimePoint now) {
  const auto sth = make_tree_head(tx, node.identity, now);
  const std::string sig = crypto::encode_signature(node.identity.sign(crypto::canonicalize(body)));
  return {{"party", review::to_string(sides.ours)},
          {"name", sides.party(sides.ours).name},
          {"key", node.identity.public_key().encoded()},
          {"tree_head", sth},
          {"signature", sig}};
}

void sort_signatures(json& report) {
  auto& sigs = report["signatures"];
  std::stable_sort(sigs.begin(), sigs.end(), [](const json& x, const json& y) {
    return x.value("party", "") < y.value("party", "");
  });
}

store::ReviewRecord record_of(const json& report, const std::string& made_by,
                              const std::string& state, TimePoint now) {
  store::ReviewRecord r;
  r.id = body_id(report["body"]);
  r.link = report["body"]["link"];
  r.period_from = report["body"]["period"]["from"];
  r.period_to = report["body"]["period"]["to"];
  r.made_by = made_by;
  r.state = state;
  r.report = crypto::canonicalize(report);
  r.created_at = format_timestamp(now);
  r.updated_at = r.created_at;
  return r;
}

// Keeps `r`, keeping the first created_at of a report kept before.
void keep(store::Transaction& tx, store::ReviewRecord r) {
  if (auto old = tx.find_review(r.id)) r.created_at = old->created_at;
  tx.put_review(r);
}

std::string first_signer(const json& report, Party ours) {
  const auto& sigs = report["signatures"];
  return !sigs.empty() && sigs[0].value("party", "") == review::to_string(ours) ? "ours" : "theirs";
}

// What this node lacks of the report's cut, in words (nullopt: nothing).
std::optional<std::string> missing_here(store::Transaction& tx, const std::string& link, Party ours,
                                        const review::Cut& cut, const std::string& peer_name) {
  const std::int64_t their_cut = ours == Party::a ? cut.b_to_a : cut.a_to_b;
  const std::int64_t our_cut = ours == Party::a ? cut.a_to_b : cut.b_to_a;
  std::vector<std::string> parts;
  const std::int64_t have = tx.last_seq(link, store::Direction::inbound);
  if (have < their_cut) {
    parts.push_back("messages " + std::to_string(have + 1) + " to " + std::to_string(their_cut) +
                    " from " + escape_text(peer_name) + " are not here yet");
  }
  const auto pending = tx.pending_outbox(link, 1);
  if (!pending.empty() && pending.front().seq <= our_cut) {
    parts.push_back(escape_text(peer_name) + "'s receipts of our messages " +
                    std::to_string(pending.front().seq) + " to " + std::to_string(our_cut) +
                    " are not here yet");
  }
  if (parts.empty()) return std::nullopt;
  std::string text;
  for (const auto& p : parts) text += (text.empty() ? "" : "; ") + p;
  return text;
}

ReviewView view_of(store::Transaction& tx, const store::ReviewRecord& r) {
  ReviewView v;
  v.record = r;
  v.report = json::parse(r.report);
  for (const auto& p : tx.list_peers()) {
    if (p.link == r.link) v.peer = p.name;
  }
  return v;
}

}  // namespace review_service_detail
}  // namespace

nlohmann::json review_body(Node& node, const std::string& peer_name, TimePoint from, TimePoint to) {
  using namespace review_service_detail;
  const auto peer = find_peer(*node.store, peer_name);
  return node.store->snapshot([&](store::Transaction& tx) {
    const Sides sides = sides_of(tx, node, peer.link);
    return compute_review_body(tx, peer.link, sides.ours, millis(from), millis(to),
                               held_cut(tx, peer.link, sides.ours), false)
        .body;
  });
}

ReviewView make_report(Node& node, const std::string& peer_name, TimePoint from, TimePoint to,
                       TimePoint now, bool with_judgements, const AuditContext* audit_ctx) {
  using namespace review_service_detail;
  if (to > now) {
    throw Error(ErrorCategory::invalid_input, "review_period_not_ended",
                "the period ends " + format_timestamp(to) + ", after now (" +
                    format_timestamp(now) +
                    "): a report counts what was done by the end of its period, so its end "
                    "must have passed; give an end at or before now (a day, or a time such as " +
                    format_timestamp(now).substr(0, 16) + ":00.000Z)");
  }
  const auto peer = find_peer(*node.store, peer_name);
  Sides sides;
  ReviewBody made = node.store->snapshot([&](store::Transaction& tx) {
    sides = sides_of(tx, node, peer.link);
    return compute_review_body(tx, peer.link, sides.ours, millis(from), millis(to),
                               held_cut(tx, peer.link, sides.ours), with_judgements);
  });
  json report = {
      {"format", kReportFormat}, {"body", std::move(made.body)}, {"signatures", json::array()}};
  auto record = node.store->transact([&](store::Transaction& tx) {
    report["signatures"].push_back(our_signature(tx, node, sides, report["body"], now));
    auto r = record_of(report, "ours", "made", now);
    keep(tx, r);
    if (audit_ctx) {
      audit(tx, *audit_ctx, "review.make", r.id,
            peer.name + " " + r.period_from + " " + r.period_to, now);
    }
    return r;
  });
  if (with_judgements) {
    json list = json::array();
    for (const auto& j : made.judgements) list.push_back(judgement_json(j));
    report["judgements"] = std::move(list);
  }
  return ReviewView{std::move(record), std::move(report), peer.name};
}

VerifyResult verify_report(Node& node, const nlohmann::json& report) {
  using namespace review_service_detail;
  const ReportShape shape = shape_of(report);
  const auto theirs_judged = judgements_from(report);
  VerifyResult out;
  out.id = body_id(report["body"]);
  out.judged = !theirs_judged.empty();
  node.store->snapshot([&](store::Transaction& tx) {
    const auto peer = peer_of_link(tx, shape.link);
    out.peer = peer.name;
    const Sides sides = sides_of(tx, node, shape.link);
    out.signature_problems = signature_problems(report, sides, {});
    if (report["signatures"].empty()) out.signature_problems.push_back("the report is not signed");
    ReviewBody mine = compute_review_body(tx, shape.link, sides.ours, shape.from, shape.to,
                                          shape.cut, !theirs_judged.empty());
    out.body_matches = crypto::canonicalize(mine.body) == crypto::canonicalize(report["body"]);
    if (out.body_matches) return;
    out.figures = review::compare_bodies(mine.body, report["body"]);
    out.in_flight = missing_here(tx, shape.link, sides.ours, shape.cut, peer.name);
    if (!theirs_judged.empty()) {
      out.items = review::compare_judgements(mine.judgements, theirs_judged, mine.body,
                                             sides.party(sides.ours).name,
                                             sides.party(review::other(sides.ours)).name);
    }
  });
  out.matches = out.body_matches && out.signature_problems.empty();
  return out;
}

std::vector<std::string> VerifyResult::lines() const {
  using namespace review_service_detail;
  std::vector<std::string> out;
  if (matches) {
    out.push_back("report " + id +
                  " matches this node's records byte for byte; every signature "
                  "verifies");
    return out;
  }
  for (const auto& p : signature_problems) out.push_back("signature: " + p);
  if (!body_matches) {
    if (in_flight) {
      out.push_back(
          "the body differs only as far as this node does not hold the report's cut "
          "yet (items in flight): " +
          *in_flight + "; verify again once they have arrived");
    } else {
      out.push_back("the body differs from this node's records at the report's cut");
    }
    for (const auto& f : figures) {
      out.push_back("figure " + f.path + ": ours " + f.mine.dump() + ", the report's " +
                    f.theirs.dump());
    }
    for (const auto& i : items) out.push_back("item " + escape_text(i.text));
    if (!judged && !figures.empty()) {
      out.push_back(
          "the report carries no judgements (made with --brief), so the items are not "
          "named: `hotline review explain --figure PATH` on both nodes lists them");
    }
  }
  return out;
}

ReviewView sign_report(Node& node, const nlohmann::json& report_in, TimePoint now,
                       const AuditContext* audit_ctx) {
  using namespace review_service_detail;
  const VerifyResult check = verify_report(node, report_in);
  if (!check.matches) {
    const auto lines = check.lines();
    throw Error(ErrorCategory::conflict, "review_mismatch",
                "the report does not match this node's records, so it is not signed: " +
                    (lines.empty() ? std::string("?") : lines.front()));
  }
  json report = report_in;
  report.erase("judgements");
  const std::string link = report["body"]["link"];
  auto record = node.store->transact([&](store::Transaction& tx) {
    const auto peer = peer_of_link(tx, link);
    const Sides sides = sides_of(tx, node, link);
    auto& sigs = report["signatures"];
    const auto ours = std::string(review::to_string(sides.ours));
    const auto theirs = std::string(review::to_string(review::other(sides.ours)));
    if (std::none_of(sigs.begin(), sigs.end(),
                     [&](const json& s) { return s.value("party", "") == theirs; })) {
      throw Error(ErrorCategory::conflict, "review_not_signed_by_peer",
                  "the report carries no signature of " + escape_text(peer.name) +
                      ": each node signs the report the other made (this node's own report is "
                      "signed when it is made)");
    }
    sigs.erase(std::remove_if(sigs.begin(), sigs.end(),
                              [&](const json& s) { return s.value("party", "") == ours; }),
               sigs.end());
    const std::string made_by = first_signer(report, sides.ours);
    sigs.push_back(our_signature(tx, node, sides, report["body"], now));
    sort_signatures(report);
    auto r = record_of(report, made_by, "agreed", now);
    keep(tx, r);
    link::OutboundDraft d;
    d.type = kReviewAgreed;
    d.body = {{"report", report}};
    link::append_outbound(tx, link_context(node, peer), std::move(d), now);
    if (audit_ctx) audit(tx, *audit_ctx, "review.sign", r.id, peer.name, now);
    return r;
  });
  return ReviewView{std::move(record), std::move(report), check.peer};
}

void apply_review_agreed(store::Transaction& tx, const link::LinkContext& ctx,
                         const link::Envelope& e, const std::string& received_at) {
  using namespace review_service_detail;
  if (!e.body.contains("report")) invalid("envelope has no member \"report\"");
  const nlohmann::json& report = e.body["report"];
  const ReportShape shape = shape_of(report);
  if (shape.link != ctx.link) invalid("is about another link (" + escape_text(shape.link) + ")");
  Sides sides;
  sides.agreements = agreements_in_force(tx, ctx.link);
  sides.ours = our_party(sides.agreements.back().document, ctx.self->public_key().encoded());
  const auto problems = signature_problems(report, sides, {Party::a, Party::b});
  if (!problems.empty()) invalid("agreed by " + ctx.peer_name + " does not hold: " + problems[0]);
  const TimePoint at = parse_timestamp(received_at);
  keep(tx, record_of(report, first_signer(report, sides.ours), "agreed", at));
  record_event(tx, at, "review_agreed", ctx.link,
               ctx.peer_name + " signed the review report " + body_id(report["body"]) +
                   "; it is agreed by both parties");
}

std::vector<ReviewView> list_reports(store::Store& store, const std::string& peer_name,
                                     std::size_t limit) {
  using namespace review_service_detail;
  return store.snapshot([&](store::Transaction& tx) {
    const std::string link = peer_name.empty() ? "" : find_peer(tx, peer_name).link;
    std::vector<ReviewView> out;
    for (const auto& r : tx.list_reviews(link, limit)) out.push_back(view_of(tx, r));
    return out;
  });
}

ReviewView show_report(store::Store& store, const std::string& id_or_prefix) {
  using namespace review_service_detail;
  return store.snapshot([&](store::Transaction& tx) {
    if (auto r = tx.find_review(id_or_prefix)) return view_of(tx, *r);
    std::vector<store::ReviewRecord> hits;
    if (id_or_prefix.size() >= 8) {
      for (const auto& r : tx.list_reviews("", 100000)) {
        if (r.id.rfind(id_or_prefix, 0) == 0) hits.push_back(r);
      }
    }
    if (hits.size() == 1) return view_of(tx, hits.front());
    throw Error(ErrorCategory::not_found, "review_unknown",
                hits.empty() ? "no review report " + escape_text(id_or_prefix) +
                                   " on this node (`hotline review list` lists them)"
                             : "the id " + escape_text(id_or_prefix) +
                                   " names more than one report; give more of it");
  });
}

Explanation explain_figure(Node& node, const std::string& peer_name, TimePoint from, TimePoint to,
                           const std::string& figure) {
  using namespace review_service_detail;
  const auto peer = find_peer(*node.store, peer_name);
  return node.store->snapshot([&](store::Transaction& tx) {
    const Sides sides = sides_of(tx, node, peer.link);
    const review::Cut cut = held_cut(tx, peer.link, sides.ours);
    const json body =
        compute_review_body(tx, peer.link, sides.ours, millis(from), millis(to), cut, false).body;
    Explanation out;
    out.figure = figure;
    try {
      out.value = body.at(json::json_pointer(figure));
    } catch (const std::exception&) {
      throw Error(ErrorCategory::invalid_input, "review_figure_unknown",
                  "the report's body has no figure at " + escape_text(figure) +
                      " (a JSON pointer such as /directions/0/requests_total/current/received)");
    }
    auto judged =
        compute_review_body(tx, peer.link, sides.ours, millis(from), millis(to), cut, true,
                            [&](std::string_view g, std::string_view p) {
                              return review::may_explain(body, g, p, figure);
                            })
            .judgements;
    for (auto& j : judged) {
      if (!review::explains(body, j, figure)) continue;
      out.lines.push_back(review::describe(j, body));
      out.items.push_back(std::move(j));
    }
    return out;
  });
}

nlohmann::json parse_report(const std::string& text) {
  using namespace review_service_detail;
  json report;
  try {
    report = crypto::parse_strict(text);
  } catch (const Error& e) {
    invalid(std::string("is not strict JSON: ") + e.what());
  }
  shape_of(report);
  return report;
}

}  // namespace hotline::service
