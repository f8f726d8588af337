#include "hotline/service/item_facts.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/common/time.h"
#include "hotline/review/facts_codec.h"
#include "hotline/service/indicator_index.h"
#include "hotline/service/item_log.h"
#include "hotline/service/item_replay.h"

namespace hotline::service {
namespace {
namespace item_facts_detail {

using review::Act;
using review::Millis;
using review::Party;
using store::Direction;

Millis millis_of(std::string_view text) {
  return parse_timestamp(text).time_since_epoch().count();
}

// 64-bit FNV-1a of an envelope id: the index keeps 16 bytes per envelope
// (a million requests carry several million envelopes), not the id itself.
std::uint64_t id_hash(std::string_view id) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : id) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// Where an item's acts sit on the link: the seq of an envelope (by id) and
// the receipt time of a seq, per direction.
class EnvelopeLookup {
 public:
  virtual ~EnvelopeLookup() = default;
  // Throws item_invalid when the item's log names an envelope this node
  // does not hold.
  virtual std::int64_t seq(Direction dir, const std::string& id) const = 0;
  virtual std::optional<Millis> receipt(Direction dir, std::int64_t seq) const = 0;
};

[[noreturn]] void envelope_missing(const std::string& id) {
  throw Error(ErrorCategory::internal, "item_invalid",
              "an item's log names envelope " + id + ", which this node does not hold");
}

// One item's lookups, row by row: for writing the facts of the item changed.
class PointLookup final : public EnvelopeLookup {
 public:
  PointLookup(store::Transaction& tx, const std::string& link) : tx_(tx), link_(link) {}
  std::int64_t seq(Direction dir, const std::string& id) const override {
    auto env = tx_.find_envelope(id);
    if (!env || env->link != link_ || env->direction != dir) envelope_missing(id);
    return env->seq;
  }
  std::optional<Millis> receipt(Direction dir, std::int64_t seq) const override {
    if (auto r = tx_.find_receipt(link_, dir, seq)) return millis_of(r->received_at);
    // An envelope received in this transaction: its receipt (with the same
    // received_at) is signed and stored when the batch ends, before commit.
    if (dir == Direction::inbound) {
      auto e = tx_.find_envelope_by_seq(link_, dir, seq);
      if (e && e->received_at) return millis_of(*e->received_at);
    }
    return std::nullopt;
  }

 private:
  store::Transaction& tx_;
  const std::string& link_;
};

// What the link's envelopes and receipts say, read once for a whole link:
// the seq of each envelope (by id) and the receipt time of each seq, per
// direction. Ids whose hashes collide (rare) are kept whole, so every
// answer is exact.
class LinkIndex final : public EnvelopeLookup {
 public:
  LinkIndex(store::Transaction& tx, const std::string& link) {
    for (int d = 0; d < 2; ++d) {
      const Direction dir = d == 0 ? Direction::outbound : Direction::inbound;
      auto& v = seqs_[d];
      tx.scan_envelope_seqs(link, dir, [&](std::string_view id, std::int64_t seq) {
        v.push_back(Entry{id_hash(id), seq});
      });
      std::sort(v.begin(), v.end(), [](const Entry& x, const Entry& y) { return x.h < y.h; });
      std::vector<std::uint64_t> clashing;
      for (std::size_t i = 1; i < v.size(); ++i) {
        if (v[i].h == v[i - 1].h) clashing.push_back(v[i].h);
      }
      if (!clashing.empty()) keep_whole(tx, link, dir, d, clashing);
      tx.scan_receipt_times(link, dir, [&](std::int64_t seq, std::string_view at) {
        auto& r = receipts_[d];
        if (seq < 1) return;
        if (static_cast<std::size_t>(seq) >= r.size()) r.resize(seq + 1, kNone);
        r[seq] = millis_of(at);
      });
    }
  }

  // The seq of envelope `id` in direction `dir`; throws item_invalid when
  // the item's log names an envelope this node does not hold.
  std::int64_t seq(Direction dir, const std::string& id) const override {
    const int d = index(dir);
    const auto& v = seqs_[d];
    const std::uint64_t h = id_hash(id);
    auto it = std::lower_bound(v.begin(), v.end(), h,
                               [](const Entry& e, std::uint64_t x) { return e.h < x; });
    if (it != v.end() && it->h == h) {
      if (it->seq != kClash) return it->seq;
      auto w = whole_[d].find(id);
      if (w != whole_[d].end()) return w->second;
    }
    envelope_missing(id);
  }

  std::optional<Millis> receipt(Direction dir, std::int64_t seq) const override {
    const auto& v = receipts_[index(dir)];
    if (seq < 1 || static_cast<std::size_t>(seq) >= v.size() || v[seq] == kNone) {
      return std::nullopt;
    }
    return v[seq];
  }

 private:
  struct Entry {
    std::uint64_t h;
    std::int64_t seq;
  };
  static constexpr Millis kNone = std::numeric_limits<Millis>::min();
  static constexpr std::int64_t kClash = -1;
  static int index(Direction d) { return d == Direction::outbound ? 0 : 1; }

  void keep_whole(store::Transaction& tx, const std::string& link, Direction dir, int d,
                  std::vector<std::uint64_t>& clashing) {
    std::sort(clashing.begin(), clashing.end());
    tx.scan_envelope_seqs(link, dir, [&](std::string_view id, std::int64_t seq) {
      if (std::binary_search(clashing.begin(), clashing.end(), id_hash(id))) {
        whole_[d].emplace(std::string(id), seq);
      }
    });
    auto& v = seqs_[d];
    for (auto& e : v) {
      if (std::binary_search(clashing.begin(), clashing.end(), e.h)) e.seq = kClash;
    }
    v.erase(
        std::unique(v.begin(), v.end(), [](const Entry& x, const Entry& y) { return x.h == y.h; }),
        v.end());
  }

  std::vector<Entry> seqs_[2];
  std::unordered_map<std::string, std::int64_t> whole_[2];
  std::vector<Millis> receipts_[2];
};

// One shared action as the review sees it: who acted (by party) and the act.
struct Step {
  const SharedAction* action = nullptr;
  Party by = Party::a;
  Act act;
};

using VoidSet = std::set<std::pair<std::string, std::string>>;  // (envelope, action)

// The item's log and its void actions as stored (the document lists them:
// replay's verdict, item_replay.h).
void parse_stored(const store::ItemRecord& rec, ItemLog& log, VoidSet& voided) {
  log = item_log_from_json(nlohmann::json::parse(rec.actions));
  if (rec.document.rfind("\"void\":[]") == std::string::npos) {  // the last member
    const auto doc = nlohmann::json::parse(rec.document);
    for (const auto& v : doc.value("void", nlohmann::json::array())) {
      voided.emplace(v.value("envelope", ""), v.value("action", ""));
    }
  }
}

// The item's shared actions in the agreed order, void ones left out.
std::vector<Step> steps_of(const ItemLog& log, const VoidSet& voided, Party ours,
                           const EnvelopeLookup& index) {
  std::vector<Step> out;
  for (std::size_t i : linearize(log)) {
    const SharedAction& a = log.shared[i];
    if (!voided.empty() && voided.count({a.envelope, a.action}) != 0) continue;
    const bool mine = a.side == model::Side::ours;
    const Direction dir = mine ? Direction::outbound : Direction::inbound;
    out.push_back(Step{&a, mine ? ours : review::other(ours),
                       Act{millis_of(a.sent_at), index.seq(dir, a.envelope)}});
  }
  return out;
}

// An item as the review reads it: its record and its parsed log.
struct Source {
  const store::ItemRecord& rec;
  const ItemLog& log;
  const VoidSet& voided;
};

Direction direction_of(Party by, Party ours) {
  return by == ours ? Direction::outbound : Direction::inbound;
}

void set_first(std::optional<Act>& slot, const Act& act) {
  if (!slot) slot = act;
}

void apply_request_step(review::ItemFacts& f, const Step& s) {
  const std::string& name = s.action->action;
  const auto& args = s.action->args;
  if (name == "acknowledge") {
    set_first(f.acknowledged, s.act);
  } else if (name == "respond_partial") {
    set_first(f.first_response, s.act);
  } else if (name == "respond_final") {
    set_first(f.first_response, s.act);
    set_first(f.final_response, s.act);
  } else if (name == "request_clarification") {
    f.clarifications.push_back(review::Clarification{s.act, std::nullopt});
  } else if (name == "give_clarification") {
    for (auto& c : f.clarifications) {
      if (!c.answered) {
        c.answered = s.act;
        break;
      }
    }
  } else if (name == "decline") {
    set_first(f.declined, s.act);
    if (f.decline_reason.empty()) f.decline_reason = args.value("reason", "other");
  } else if (name == "withdraw") {
    set_first(f.withdrawn, s.act);
  } else if (name == "close") {
    // The last close not undone by a reopen, with its rating.
    f.closed = s.act;
    f.rating.reset();
    if (args.contains("rating") && args["rating"].is_object()) {
      const auto& r = args["rating"];
      f.rating = review::RatingFact{r.value("completeness", 0), r.value("usefulness", 0), s.act};
    }
  } else if (name == "reopen") {
    f.closed.reset();
    f.rating.reset();
  }
}

void apply_alert_step(review::ItemFacts& f, const Step& s) {
  const std::string& name = s.action->action;
  if (name == "acknowledge") {
    set_first(f.acknowledged, s.act);
  } else if (name == "escalate") {
    f.escalations.push_back(s.act);
  } else if (name == "close") {
    set_first(f.closed, s.act);
  }
}

std::optional<review::ItemFacts> item_facts(const Source& src, Party ours,
                                            const EnvelopeLookup& index) {
  const store::ItemRecord& rec = src.rec;
  const auto steps = steps_of(src.log, src.voided, ours, index);
  if (steps.empty()) return std::nullopt;  // a request still a draft here
  const Step& first = steps.front();
  const auto& args = first.action->args;
  review::ItemFacts f;
  f.id = rec.id;
  f.asker = first.by;
  f.sent = first.act;
  f.priority = args.value("priority", "normal");
  if (rec.kind == kAlert) {
    f.kind = "alert";
    f.check = args.is_object() && args.contains("check") && args["check"] == true;
  } else {
    f.kind = "request." + args.value("kind", std::string("information"));
  }
  f.received_at = index.receipt(direction_of(f.asker, ours), f.sent.seq);
  for (std::size_t k = 1; k < steps.size(); ++k) {
    if (rec.kind == kAlert) {
      apply_alert_step(f, steps[k]);
    } else {
      apply_request_step(f, steps[k]);
    }
  }
  return f;
}

std::optional<review::CaseFacts> case_facts(const Source& src, Party ours,
                                            const EnvelopeLookup& index) {
  const store::ItemRecord& rec = src.rec;
  const auto steps = steps_of(src.log, src.voided, ours, index);
  if (steps.empty()) return std::nullopt;
  review::CaseFacts c;
  c.id = rec.id;
  c.opened_by = steps.front().by;
  c.opened = steps.front().act;
  for (std::size_t k = 1; k < steps.size(); ++k) {
    const Step& s = steps[k];
    const std::string& name = s.action->action;
    const auto& args = s.action->args;
    if (name == "close" || name == "reopen") {
      c.changes.push_back(review::CaseFacts::Change{s.by, s.act, name == "close"});
    } else if (name == "link_request") {
      c.requests.push_back(review::CaseFacts::Link{s.by, s.act, args.value("request_id", "")});
    } else if (name == "link_alert") {
      c.alerts.push_back(review::CaseFacts::Link{s.by, s.act, args.value("alert_id", "")});
    }
  }
  return c;
}

// The same from the stored record alone (its log parsed here).
std::optional<review::ItemFacts> item_facts(const store::ItemRecord& rec, Party ours,
                                            const EnvelopeLookup& index) {
  ItemLog log;
  VoidSet voided;
  parse_stored(rec, log, voided);
  return item_facts(Source{rec, log, voided}, ours, index);
}

std::optional<review::CaseFacts> case_facts(const store::ItemRecord& rec, Party ours,
                                            const EnvelopeLookup& index) {
  ItemLog log;
  VoidSet voided;
  parse_stored(rec, log, voided);
  return case_facts(Source{rec, log, voided}, ours, index);
}

bool reviewed(const std::string& kind) {
  return kind == kAlert || kind == kRequest || kind == kCase;
}

// The stored form of an item's facts, computed as party "a" were ours (the
// reader swaps the parties when it is "b"): "" for a request still a draft
// here; the form tagged 'x' when the facts cannot be computed (the reader
// then computes them from the item, and fails as that does).
template <class From>
std::string stored_facts(const From& src, const std::string& kind, const EnvelopeLookup& index) {
  try {
    if (kind == kCase) {
      auto c = case_facts(src, Party::a, index);
      return c ? review::encode(*c) : std::string();
    }
    auto f = item_facts(src, Party::a, index);
    return f ? review::encode(*f) : std::string();
  } catch (const Error&) {
    return std::string{'\x01', 'x'};
  }
}

// One stored row handed to the callbacks (cases kept for after the items,
// as the item scan hands them).
void hand_over(store::Transaction& tx, const std::string& link, Party ours, std::string_view id,
               std::string_view bytes, const std::function<void(review::ItemFacts&&)>& item,
               std::vector<review::CaseFacts>& cases) {
  const char tag = review::facts_tag(bytes);
  if (tag == 'i') {
    review::ItemFacts f = review::decode_item(bytes);
    if (ours == Party::b) review::swap_parties(f);
    if (!f.received_at) {  // not held when the item last changed: maybe now
      f.received_at = PointLookup(tx, link).receipt(direction_of(f.asker, ours), f.sent.seq);
    }
    item(std::move(f));
  } else if (tag == 'c') {
    cases.push_back(review::decode_case(bytes));
    if (ours == Party::b) review::swap_parties(cases.back());
  } else {
    auto rec = tx.find_item(id);
    if (!rec) return;
    const PointLookup index(tx, link);
    if (rec->kind == kCase) {
      if (auto c = case_facts(*rec, ours, index)) cases.push_back(std::move(*c));
    } else if (auto f = item_facts(*rec, ours, index)) {
      item(std::move(*f));
    }
  }
}

}  // namespace item_facts_detail
}  // namespace

void for_each_review_fact(store::Transaction& tx, const std::string& link, review::Party ours,
                          const std::function<void(review::ItemFacts&&)>& item,
                          const std::function<void(const review::CaseFacts&)>& kase) {
  using namespace item_facts_detail;
  std::vector<review::CaseFacts> cases;
  tx.scan_review_facts(link, [&](std::string_view id, std::string_view, std::string_view bytes) {
    hand_over(tx, link, ours, id, bytes, item, cases);
  });
  for (const auto& c : cases) kase(c);
}

void for_each_review_fact_from_logs(store::Transaction& tx, const std::string& link,
                                    review::Party ours,
                                    const std::function<void(const review::ItemFacts&)>& item,
                                    const std::function<void(const review::CaseFacts&)>& kase) {
  using namespace item_facts_detail;
  const LinkIndex index(tx, link);
  for (const char* kind : {kAlert, kRequest}) {
    tx.scan_items(kind, link, [&](const store::ItemRecord& rec) {
      if (auto f = item_facts(rec, ours, index)) item(*f);
    });
  }
  tx.scan_items(kCase, link, [&](const store::ItemRecord& rec) {
    if (auto c = case_facts(rec, ours, index)) kase(*c);
  });
}

namespace {

ReviewFacts collected(
    const std::function<void(const std::function<void(const review::ItemFacts&)>&,
                             const std::function<void(const review::CaseFacts&)>&)>& each) {
  ReviewFacts out;
  each([&](const review::ItemFacts& f) { out.items.push_back(f); },
       [&](const review::CaseFacts& c) { out.cases.push_back(c); });
  std::sort(out.items.begin(), out.items.end(),
            [](const auto& x, const auto& y) { return x.id < y.id; });
  std::sort(out.cases.begin(), out.cases.end(),
            [](const auto& x, const auto& y) { return x.id < y.id; });
  return out;
}

}  // namespace

ReviewFacts review_facts(store::Transaction& tx, const std::string& link, review::Party ours) {
  return collected([&](const auto& item, const auto& kase) {
    for_each_review_fact(tx, link, ours, item, kase);
  });
}

ReviewFacts review_facts_from_logs(store::Transaction& tx, const std::string& link,
                                   review::Party ours) {
  return collected([&](const auto& item, const auto& kase) {
    for_each_review_fact_from_logs(tx, link, ours, item, kase);
  });
}

void put_item_and_review_facts(store::Transaction& tx, const store::ItemRecord& rec,
                               const ItemLog& log, const std::vector<VoidAction>& voided) {
  using namespace item_facts_detail;
  tx.put_item(rec);
  put_case_indicators(tx, rec);  // a case's indicators' index, with the case
  if (!reviewed(rec.kind)) return;
  VoidSet void_set;
  for (const auto& v : voided) void_set.emplace(v.envelope, v.action);
  const std::string facts =
      stored_facts(Source{rec, log, void_set}, rec.kind, PointLookup(tx, rec.link));
  if (!facts.empty()) tx.put_review_facts(rec.id, rec.link, rec.kind, facts);
}

void fill_review_facts(store::Store& store) {
  using namespace item_facts_detail;
  constexpr const char* kFilled = "review_facts.filled";
  constexpr std::size_t kBatch = 10000;
  const bool filled =
      store.snapshot([&](store::Transaction& tx) { return tx.get_setting(kFilled).has_value(); });
  if (filled) return;
  // Computed over one snapshot, written in transactions of kBatch rows (one
  // transaction for a million rows would hold them all in memory). An item
  // changed meanwhile is left alone: its change wrote its own row.
  struct Row {
    std::string id, link, kind, actions, facts;
  };
  std::vector<Row> batch;
  const auto write = [&] {
    store.transact([&](store::Transaction& tx) {
      for (const auto& r : batch) {
        const auto now = tx.find_item(r.id);
        if (now && now->actions == r.actions) tx.put_review_facts(r.id, r.link, r.kind, r.facts);
      }
    });
    batch.clear();
  };
  auto snap = store.read();
  for (const auto& peer : snap->list_peers()) {
    std::set<std::string> have;
    snap->scan_review_facts(peer.link, [&](std::string_view id, std::string_view,
                                           std::string_view) { have.emplace(id); });
    std::optional<LinkIndex> index;
    for (const char* kind : {kAlert, kRequest, kCase}) {
      snap->scan_items(kind, peer.link, [&](const store::ItemRecord& rec) {
        if (have.count(rec.id) != 0) return;
        if (!index) index.emplace(*snap, peer.link);
        std::string facts = stored_facts(rec, rec.kind, *index);
        if (facts.empty()) return;
        batch.push_back(Row{rec.id, peer.link, kind, rec.actions, std::move(facts)});
        if (batch.size() == kBatch) write();
      });
    }
  }
  snap->commit();
  if (!batch.empty()) write();
  store.transact([&](store::Transaction& tx) { tx.put_setting(kFilled, "1"); });
}

}  // namespace hotline::service
