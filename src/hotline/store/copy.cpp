#include "hotline/store/copy.h"

#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "hotline/common/error.h"

namespace hotline::store {
namespace {

constexpr std::size_t kBatch = 1000;
constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();
// Every kind of shared item (the items table's CHECK).
constexpr const char* kItemKinds[] = {"alert", "request", "case", "dispute", "round"};

[[noreturn]] void mismatch(const std::string& what) {
  throw Error(ErrorCategory::internal, "store_copy_mismatch",
              "The copy went wrong: " + what + ". Nothing was committed to the target.");
}

// One copy: a snapshot of the source, one write transaction on the target.
class Copier {
 public:
  Copier(Store& from, Store& to, const CopyProgress& progress)
      : src_(from.read()), dst_(to.write()), progress_(progress) {}

  RecordCounts run() {
    for (const auto& i : src_->list_item_summaries("", "", kAll)) links_.insert(i.link);
    for (auto step : {&Copier::copy_settings, &Copier::copy_peers, &Copier::copy_log,
                      &Copier::copy_link_records, &Copier::copy_items, &Copier::copy_desk_records,
                      &Copier::copy_users, &Copier::copy_audit_and_events}) {
      (this->*step)();
      flush();
    }
    dst_->commit();
    src_->commit();
    return counts_;
  }

 private:
  // Counts n more records of `kind`, telling the progress at every 10,000.
  // (tell = false: only at the end of the step.)
  void done(const char* kind, std::int64_t n = 1, bool tell = true) {
    auto& c = counts_[kind];
    const bool now = tell && progress_ && (c + n) / 10000 > c / 10000;
    c += n;
    if (now) progress_(kind, c);
    reported_[kind] = now;
  }
  // Tells the progress of every kind counted since the last time.
  void flush() {
    for (auto& [kind, told] : reported_) {
      if (!told && progress_) progress_(kind, counts_[kind]);
      told = true;
    }
  }

  void copy_settings() {
    const auto settings = src_->list_settings();
    for (const auto& [key, value] : settings) dst_->put_setting(key, value);
    done("settings", static_cast<std::int64_t>(settings.size()));
  }

  void copy_peers() {
    for (const auto& p : src_->list_peers()) {
      dst_->insert_peer(p);
      links_.insert(p.link);
      done("peers");
      if (auto state = src_->find_link_state(p.link)) {
        dst_->put_link_state(*state);
        done("link_states");
      }
    }
  }

  // Envelopes and receipts in the order of the source's log, so that every
  // leaf lands at its index.
  void copy_log() {
    for (std::int64_t next = 0;;) {
      auto leaves = src_->list_ledger_leaves(next, kBatch);
      if (leaves.empty()) break;
      for (const auto& leaf : leaves) copy_leaf(leaf);
      next = leaves.back().index + 1;
      done("ledger_leaves", static_cast<std::int64_t>(leaves.size()));
    }
  }

  void copy_leaf(const LedgerLeafRecord& leaf) {
    links_.insert(leaf.link);
    const std::string where = std::string(to_string(leaf.direction)) + " seq " +
                              std::to_string(leaf.seq) + " on link " + leaf.link;
    std::int64_t index = -1;
    if (leaf.kind == "envelope") {
      auto e = src_->find_envelope_by_seq(leaf.link, leaf.direction, leaf.seq);
      if (!e)
        mismatch("the log's leaf " + std::to_string(leaf.index) + " names no envelope " + where);
      index = dst_->insert_envelope(*e);
      done("envelopes", 1, false);
    } else {
      auto r = src_->find_receipt(leaf.link, leaf.direction, leaf.seq);
      if (!r)
        mismatch("the log's leaf " + std::to_string(leaf.index) + " names no receipt " + where);
      index = dst_->insert_receipt(*r);
      done("receipts", 1, false);
    }
    if (index != leaf.index) {
      mismatch("the source's log has the " + leaf.kind + " of " + where + " at index " +
               std::to_string(leaf.index) + ", the target put it at " + std::to_string(index));
    }
  }

  void copy_link_records() {
    for (const auto& link : links_) {
      for (std::int64_t after = 0;;) {
        auto items = src_->pending_outbox(link, kBatch, after);
        if (items.empty()) break;
        for (const auto& item : items) dst_->enqueue_outbox(item);
        after = items.back().seq;
        done("outbox", static_cast<std::int64_t>(items.size()));
      }
      for (const auto& a : src_->list_agreements(link)) {
        dst_->put_agreement(a);
        done("agreements");
      }
      for (const auto& h : src_->list_tree_heads(link)) {
        dst_->insert_tree_head(h);
        done("tree_heads");
      }
    }
    for (const auto& h : src_->list_tree_heads("")) {
      dst_->insert_tree_head(h);
      done("tree_heads");
    }
    for (const auto& m : src_->list_desk_messages("", kAll)) {
      dst_->insert_desk_message(m);
      done("desk_messages");
    }
  }

  void copy_items() {
    std::vector<std::string> ids;
    for (const auto& link : links_) {
      for (const char* kind : kItemKinds) {
        src_->scan_items(kind, link, [&](const ItemRecord& item) {
          dst_->put_item(item);
          ids.push_back(item.id);
          done("items");
        });
      }
      src_->scan_review_facts(
          link, [&](std::string_view id, std::string_view kind, std::string_view facts) {
            dst_->put_review_facts(id, link, kind, facts);
            done("review_facts");
          });
    }
    std::string case_id;
    std::vector<CaseIndicatorRecord> rows;
    auto flush = [&] {
      if (!rows.empty()) dst_->put_case_indicators(case_id, rows);
      rows.clear();
    };
    src_->scan_case_indicators("", [&](const CaseIndicatorRecord& r) {
      if (r.item_id != case_id) flush();
      case_id = r.item_id;
      rows.push_back(r);
      done("case_indicators");
    });
    flush();
    for (const auto& id : ids) {
      for (const auto& t : src_->list_translations(id)) {
        dst_->insert_translation(t);
        done("translations");
      }
    }
  }

  void copy_desk_records() {
    for (std::int64_t after = 0;;) {
      auto batch = src_->list_escalations(after, kBatch);
      if (batch.empty()) break;
      for (const auto& e : batch) dst_->import_escalation(e);
      after = batch.back().id;
      done("escalations", static_cast<std::int64_t>(batch.size()));
      for (const auto& e : batch) {
        for (const auto& m : src_->list_escalation_mails(e.id)) {
          dst_->insert_escalation_mail(m);
          done("escalation_mails");
        }
      }
    }
    for (const auto& a : src_->list_attachment_links("", kAll)) {
      dst_->put_attachment_link(a);
      done("attachment_links");
    }
    for (const auto& r : src_->list_reviews("", kAll)) {
      dst_->put_review(r);
      done("reviews");
    }
  }

  void copy_users() {
    for (const auto& u : src_->list_users()) {
      dst_->insert_user(u);
      done("users");
    }
    for (const auto& t : src_->list_api_tokens("")) {
      dst_->insert_api_token(t);
      done("api_tokens");
    }
    for (const auto& s : src_->list_sessions()) {
      dst_->insert_session(s);
      done("sessions");
    }
  }

  void copy_audit_and_events() {
    for (std::int64_t after = 0;;) {
      auto batch = src_->list_audit(after, kBatch);
      if (batch.empty()) break;
      for (const auto& a : batch) dst_->append_audit(a);
      after = batch.back().seq;
      done("audit", static_cast<std::int64_t>(batch.size()));
    }
    for (std::int64_t after = 0;;) {
      auto batch = src_->list_events(after, kBatch);
      if (batch.empty()) break;
      for (const auto& e : batch) dst_->import_event(e);
      after = batch.back().id;
      done("events", static_cast<std::int64_t>(batch.size()));
    }
  }

  std::unique_ptr<Transaction> src_;
  std::unique_ptr<Transaction> dst_;
  const CopyProgress& progress_;
  std::set<std::string> links_;
  RecordCounts counts_;
  std::map<std::string, bool> reported_;  // kind -> its count told
};

template <class List>
std::int64_t paged_count(List list) {
  std::int64_t n = 0;
  for (std::int64_t after = 0;;) {
    auto [size, last] = list(after);
    if (size == 0) return n;
    n += static_cast<std::int64_t>(size);
    after = last;
  }
}

void count_link_records(Transaction& tx, const std::set<std::string>& links, RecordCounts& c) {
  for (const auto& link : links) {
    c["outbox"] += tx.outbox_length(link);
    c["agreements"] += static_cast<std::int64_t>(tx.list_agreements(link).size());
    c["tree_heads"] += static_cast<std::int64_t>(tx.list_tree_heads(link).size());
    tx.scan_review_facts(link, [&](std::string_view, std::string_view, std::string_view) {
      c["review_facts"] += 1;
    });
    for (const auto& item : tx.list_item_summaries("", link, kAll)) {
      c["translations"] += static_cast<std::int64_t>(tx.list_translations(item.id).size());
    }
  }
}

}  // namespace

void require_empty(Store& to) {
  std::string found;
  to.snapshot([&](Transaction& tx) {
    auto note = [&](std::int64_t n, const char* what) {
      if (n > 0) found += (found.empty() ? "" : ", ") + std::to_string(n) + " " + what;
    };
    note(static_cast<std::int64_t>(tx.list_settings().size()), "settings");
    note(static_cast<std::int64_t>(tx.list_peers().size()), "peers");
    note(tx.ledger_size(), "log entries");
    note(static_cast<std::int64_t>(tx.list_item_summaries("", "", 1).size()), "items (at least)");
    note(static_cast<std::int64_t>(tx.list_users().size()), "users");
    note(tx.last_event_id() > 0 ? 1 : 0, "events (at least)");
  });
  if (!found.empty()) {
    throw Error(ErrorCategory::conflict, "store_not_empty",
                "The target database is not empty (it holds " + found +
                    "); a node is copied only into an empty one. Create a new database, "
                    "or drop this one's tables if what it holds may go.");
  }
}

RecordCounts copy_store(Store& from, Store& to, const CopyProgress& progress) {
  require_empty(to);
  return Copier(from, to, progress).run();
}

RecordCounts count_records(Store& store) {
  return store.snapshot([](Transaction& tx) {
    RecordCounts c;
    for (const char* kind : {"link_states", "outbox", "agreements", "tree_heads", "review_facts",
                             "translations", "peers"}) {
      c[kind] = 0;
    }
    c["case_indicators"] = 0;
    tx.scan_case_indicators("", [&](const CaseIndicatorRecord&) { c["case_indicators"] += 1; });
    std::set<std::string> links;
    c["settings"] = static_cast<std::int64_t>(tx.list_settings().size());
    for (const auto& p : tx.list_peers()) {
      links.insert(p.link);
      c["peers"] += 1;
      if (tx.find_link_state(p.link)) c["link_states"] += 1;
    }
    c["ledger_leaves"] = tx.ledger_size();
    c["envelopes"] = tx.count_envelopes();
    c["receipts"] = c["ledger_leaves"] - c["envelopes"];
    auto items = tx.list_item_summaries("", "", kAll);
    c["items"] = static_cast<std::int64_t>(items.size());
    for (const auto& i : items) links.insert(i.link);
    for (const auto& p : tx.list_peers()) links.insert(p.link);
    count_link_records(tx, links, c);
    c["tree_heads"] += static_cast<std::int64_t>(tx.list_tree_heads("").size());
    c["desk_messages"] = static_cast<std::int64_t>(tx.list_desk_messages("", kAll).size());
    c["escalations"] = paged_count([&](std::int64_t after) {
      auto b = tx.list_escalations(after, kBatch);
      return std::pair{b.size(), b.empty() ? after : b.back().id};
    });
    c["escalation_mails"] = 0;
    for (std::int64_t after = 0;;) {
      auto b = tx.list_escalations(after, kBatch);
      if (b.empty()) break;
      for (const auto& e : b) {
        c["escalation_mails"] += static_cast<std::int64_t>(tx.list_escalation_mails(e.id).size());
      }
      after = b.back().id;
    }
    c["attachment_links"] = static_cast<std::int64_t>(tx.list_attachment_links("", kAll).size());
    c["reviews"] = static_cast<std::int64_t>(tx.list_reviews("", kAll).size());
    c["users"] = static_cast<std::int64_t>(tx.list_users().size());
    c["api_tokens"] = static_cast<std::int64_t>(tx.list_api_tokens("").size());
    c["sessions"] = static_cast<std::int64_t>(tx.list_sessions().size());
    c["audit"] = paged_count([&](std::int64_t after) {
      auto b = tx.list_audit(after, kBatch);
      return std::pair{b.size(), b.empty() ? after : b.back().seq};
    });
    c["events"] = paged_count([&](std::int64_t after) {
      auto b = tx.list_events(after, kBatch);
      return std::pair{b.size(), b.empty() ? after : b.back().id};
    });
    return c;
  });
}

}  // namespace hotline::store
