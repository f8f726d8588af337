// The review report from real stores: two nodes exchange real traffic
// in-process (an agreement proposed and accepted, an alert, requests
// acknowledged, answered, declined and rated), then both must read equal
// facts and compute the same body byte for byte; a report made on one
// verifies on the other, fails naming what when a figure, a signature or an
// item is changed, and once signed by both is kept in both stores.
#include "hotline/service/review_service.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>

#include "hotline/common/error_category.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/random.h"
#include "hotline/link/delivery.h"
#include "hotline/link/receiver.h"
#include "hotline/node/inbound.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/link_service.h"
#include "hotline/service/review_facts.h"
#include "support/two_nodes_in_process.h"

namespace hotline::service {
namespace review_service_test {

namespace fs = std::filesystem;
using nlohmann::json;

void exec_sql(const fs::path& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << msg << "\n" << sql;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

// Each case on both stores: the nodes' records in their SQLite files, or in
// PostgreSQL databases (param true).
class ReviewServiceTest : public testing::TwoNodesInProcess,
                          public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    on_postgres_ = GetParam();
    TwoNodesInProcess::SetUp();
    from_ = now_ms() - std::chrono::hours(24);
    // Reports are made "at" to_ (make_report's clock): a period must have
    // ended when its report is made.
    to_ = now_ms() + std::chrono::hours(24);
  }

  void settle() {
    for (int i = 0; i < 2; ++i) {
      deliver(*a_, "bravo", *b_, "alpha");
      deliver(*b_, "alpha", *a_, "bravo");
    }
  }

  // An agreement, then traffic both ways: alpha raises an alert (bravo
  // acknowledges it) and sends a request (acknowledged, answered, closed with
  // a rating); bravo sends a request that alpha declines.
  void traffic() {
    propose_agreement(*a_, "bravo", draft_agreement(*a_, "bravo", now_ms()), now_ms());
    settle();
    accept_agreement(*b_, "alpha", now_ms());
    settle();
    AlertInput alert;
    alert.summary = "phishing wave";
    alert.details = "details";
    auto al = raise_alert(*a_, "bravo", alert, "alice", now_ms());
    RequestInput req;
    req.subject = "subscriber of 198.51.100.7";
    req.details = "details";
    auto rq = create_request(*a_, "bravo", req, "alice", std::string("sam"), now_ms());
    RequestInput theirs = req;
    theirs.subject = "logs of a server";
    auto rb = create_request(*b_, "alpha", theirs, "bob", std::string("sue"), now_ms());
    settle();
    act(*b_, kAlert, al.record.id, "acknowledge", json::object(), "bob", now_ms());
    act(*b_, kRequest, rq.record.id, "acknowledge", json::object(), "bob", now_ms());
    act(*b_, kRequest, rq.record.id, "respond_final",
        {{"note", "here it is"}, {"attachments", json::array()}}, "bob", now_ms());
    act(*a_, kRequest, rb.record.id, "decline", {{"reason", "outside_scope"}, {"note", "no"}},
        "alice", now_ms());
    settle();
    act(*a_, kRequest, rq.record.id, "close",
        {{"rating", {{"completeness", 4}, {"usefulness", 5}, {"comment", ""}}}}, "alice", now_ms());
    settle();
    request_ = rq.record.id;
  }

  ReviewFacts facts(Node& n) {
    return n.store->snapshot([&](store::Transaction& tx) {
      auto agreements = agreements_in_force(tx, link_);
      return review_facts(tx, link_,
                          our_party(agreements.back().document, n.identity.public_key().encoded()));
    });
  }

  // Runs `sql` on alpha's database, whichever store holds it.
  void sql_at_alpha(const std::string& sql) {
    if (on_postgres_) {
      pg_db(0).sql(sql);
    } else {
      exec_sql(dir_ / "a" / "hotline.db", sql);
    }
  }

  // Alpha closed, `sql` run on its database, alpha opened again. On
  // PostgreSQL (which open_node does not open) the store stays open and
  // gets what open_node does to it (fill_review_facts).
  void reopen_alpha_after(const std::string& sql) {
    if (on_postgres_) {
      sql_at_alpha(sql);
      fill_review_facts(*a_->store);
      return;
    }
    a_.reset();
    sql_at_alpha(sql);
    a_ = std::make_unique<Node>(open_node(dir_ / "a"));
  }

  std::string request_;
  TimePoint from_, to_;
};

TEST_P(ReviewServiceTest, BothNodesReadEqualFactsAndTheSameBody) {
  traffic();
  const ReviewFacts fa = facts(*a_);
  const ReviewFacts fb = facts(*b_);
  ASSERT_EQ(fa.items.size(), 3u);
  EXPECT_TRUE(fa == fb);
  for (const auto& f : fa.items) {
    EXPECT_TRUE(f.received_at.has_value()) << f.id;
    EXPECT_GT(f.sent.seq, 0) << f.id;
  }
  const auto body_a = crypto::canonicalize(review_body(*a_, "bravo", from_, to_));
  const auto body_b = crypto::canonicalize(review_body(*b_, "alpha", from_, to_));
  EXPECT_EQ(body_a, body_b);
  EXPECT_NE(body_a.find("\"declined\""), std::string::npos);
}

TEST_P(ReviewServiceTest, AReportVerifiesOnTheOtherNodeAndOnceSignedIsAgreedInBoth) {
  traffic();
  auto made = make_report(*a_, "bravo", from_, to_, to_, true);
  ASSERT_EQ(made.report["signatures"].size(), 1u);
  auto checked = verify_report(*b_, made.report);
  EXPECT_TRUE(checked.matches) << joined(checked.lines());
  auto signed_ = sign_report(*b_, made.report, now_ms());
  EXPECT_EQ(signed_.record.state, "agreed");
  EXPECT_EQ(signed_.report["signatures"].size(), 2u);
  EXPECT_FALSE(signed_.report.contains("judgements"));
  settle();
  auto at_alpha = show_report(*a_->store, made.record.id);
  EXPECT_EQ(at_alpha.record.state, "agreed");
  EXPECT_EQ(crypto::canonicalize(at_alpha.report), crypto::canonicalize(signed_.report));
  EXPECT_EQ(list_reports(*b_->store, "alpha", 10).size(), 1u);
  EXPECT_TRUE(verify_report(*a_, at_alpha.report).matches);
}

TEST_P(ReviewServiceTest, VerifyNamesAChangedFigure) {
  traffic();
  auto report = make_report(*a_, "bravo", from_, to_, to_).report;
  report["body"]["directions"][0]["requests_total"]["current"]["received"] = 7;
  auto checked = verify_report(*b_, report);
  EXPECT_FALSE(checked.matches);
  EXPECT_FALSE(checked.in_flight);
  const std::string text = joined(checked.lines());
  EXPECT_NE(text.find("/directions/0/requests_total/current/received"), std::string::npos) << text;
  // The body changed under alpha's signature, so that is named too.
  EXPECT_NE(text.find("signature of party"), std::string::npos) << text;
  EXPECT_THROW(sign_report(*b_, report, now_ms()), Error);
}

TEST_P(ReviewServiceTest, VerifyNamesAChangedSignature) {
  traffic();
  auto report = make_report(*a_, "bravo", from_, to_, to_).report;
  std::string sig = report["signatures"][0]["signature"];
  sig[5] = sig[5] == 'A' ? 'B' : 'A';
  report["signatures"][0]["signature"] = sig;
  auto checked = verify_report(*b_, report);
  EXPECT_TRUE(checked.body_matches);
  EXPECT_FALSE(checked.matches);
  const std::string text = joined(checked.lines());
  EXPECT_NE(text.find("does not verify"), std::string::npos) << text;
}

TEST_P(ReviewServiceTest, VerifyNamesADroppedItem) {
  traffic();
  // Alpha's store loses the request it sent: its report counts one request
  // fewer, and bravo names the figures and the item.
  // (With its review facts row: the two are written together.)
  sql_at_alpha("DELETE FROM items WHERE id = '" + request_ +
               "'; DELETE FROM review_facts WHERE item_id = '" + request_ + "'");
  auto report = make_report(*a_, "bravo", from_, to_, to_, true).report;
  auto checked = verify_report(*b_, report);
  EXPECT_FALSE(checked.matches);
  EXPECT_FALSE(checked.figures.empty());
  const std::string text = joined(checked.lines());
  EXPECT_NE(text.find("/directions/0/requests_total/current/received"), std::string::npos) << text;
  bool named = false;
  for (const auto& i : checked.items) named = named || i.item == request_;
  EXPECT_TRUE(named) << text;
}

TEST_P(ReviewServiceTest, AReportBeyondWhatThisNodeHoldsSaysItIsInFlight) {
  if (on_postgres_) GTEST_SKIP() << "copies bravo's folder with its SQLite file";
  traffic();
  // Bravo as it stands now, kept aside: it will not see what follows.
  b_.reset();
  fs::copy(dir_ / "b", dir_ / "b-before", fs::copy_options::recursive);
  b_ = std::make_unique<Node>(open_node(dir_ / "b"));
  AlertInput alert;
  alert.summary = "second alert";
  alert.details = "details";
  raise_alert(*a_, "bravo", alert, "alice", now_ms());
  settle();
  auto report = make_report(*a_, "bravo", from_, to_, to_).report;
  EXPECT_TRUE(verify_report(*b_, report).matches);
  Node before = open_node(dir_ / "b-before");
  auto checked = verify_report(before, report);
  EXPECT_FALSE(checked.matches);
  EXPECT_TRUE(checked.signature_problems.empty());
  ASSERT_TRUE(checked.in_flight.has_value()) << joined(checked.lines());
  const std::string text = joined(checked.lines());
  EXPECT_NE(text.find("in flight"), std::string::npos) << text;
  EXPECT_NE(text.find("from alpha are not here yet"), std::string::npos) << text;
}

TEST_P(ReviewServiceTest, APeriodThatHasNotEndedIsRefusedAndNothingIsKept) {
  traffic();
  try {
    make_report(*a_, "bravo", from_, to_, to_ - std::chrono::minutes(1));
    FAIL() << "a report of a period that ends after now was made";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "review_period_not_ended");
    EXPECT_NE(std::string(e.what()).find("after now"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(list_reports(*a_->store, "", 10).empty());
}

TEST_P(ReviewServiceTest, ExplainListsTheItemsBehindAFigure) {
  traffic();
  auto e =
      explain_figure(*a_, "bravo", from_, to_, "/directions/0/requests_total/current/received");
  EXPECT_EQ(e.value, 1);
  ASSERT_EQ(e.items.size(), 1u);
  EXPECT_EQ(e.items[0].item, request_);
  EXPECT_THROW(explain_figure(*a_, "bravo", from_, to_, "/no/such"), Error);
}

// The compact facts rows kept beside the items (written with every change,
// here and from the peer's envelopes) hold exactly the facts the items' logs
// give, on both nodes: clarifications, a withdrawal raced by an answer (one
// of the two void in the agreed order), a rating, a reopening, a check, a
// case with a linked request and its closing, and acts not yet delivered
// (beyond the cut, receipts not held).
TEST_P(ReviewServiceTest, TheFactsRowsEqualTheFactsOfTheLogs) {
  traffic();
  RequestInput req;
  req.subject = "logs of 203.0.113.9";
  req.details = "details";
  const auto r2 =
      create_request(*a_, "bravo", req, "alice", std::string("sam"), now_ms()).record.id;
  settle();
  act(*b_, kRequest, r2, "acknowledge", json::object(), "bob", now_ms());
  act(*b_, kRequest, r2, "request_clarification", {{"question", "which zone?"}}, "bob", now_ms());
  settle();
  act(*a_, kRequest, r2, "give_clarification", {{"answer", "UTC"}}, "alice", now_ms());
  settle();
  act(*a_, kRequest, r2, "withdraw", {{"reason", "moot"}}, "alice", now_ms());
  act(*b_, kRequest, r2, "respond_final", {{"note", "x"}, {"attachments", json::array()}}, "bob",
      now_ms());
  act(*a_, kRequest, request_, "reopen", {{"reason", "one more thing"}}, "alice", now_ms());
  send_check(*b_, "alpha", "bob", now_ms());
  const auto kase = open_case(*a_, "bravo", "the wave", model::Labels{}, "alice", now_ms());
  act(*a_, kCase, kase.record.id, "link_request", {{"request_id", request_}}, "alice", now_ms());
  settle();
  act(*b_, kRequest, request_, "respond_final", {{"note", "more"}, {"attachments", json::array()}},
      "bob", now_ms());
  act(*b_, kCase, kase.record.id, "close", {{"note", "done"}}, "bob", now_ms());
  settle();
  // Beyond the cut: made here, not delivered.
  AlertInput late;
  late.summary = "late";
  late.details = "details";
  raise_alert(*b_, "alpha", late, "bob", now_ms());
  act(*a_, kRequest, request_, "close",
      {{"rating", {{"completeness", 2}, {"usefulness", 3}, {"comment", ""}}}}, "alice", now_ms());

  bool voided = false, clarified = false, rated = false, checked = false;
  const auto check_both = [&] {
    for (Node* n : {a_.get(), b_.get()}) {
      const auto party = n->store->snapshot([&](store::Transaction& tx) {
        return our_party(agreements_in_force(tx, link_).back().document,
                         n->identity.public_key().encoded());
      });
      const auto [fast, slow] = n->store->snapshot([&](store::Transaction& tx) {
        return std::pair(review_facts(tx, link_, party), review_facts_from_logs(tx, link_, party));
      });
      EXPECT_TRUE(fast == slow) << "node " << review::to_string(party);
      EXPECT_GE(fast.items.size(), 5u);
      ASSERT_EQ(fast.cases.size(), 1u);
      EXPECT_EQ(fast.cases[0].requests.size(), 1u);
      EXPECT_EQ(fast.cases[0].changes.size(), 1u);
      for (const auto& f : fast.items) {
        if (f.id == r2) voided = !(f.withdrawn && f.final_response);
        if (!f.clarifications.empty() && f.clarifications[0].answered) clarified = true;
        if (f.rating) rated = true;
        if (f.check) checked = true;
      }
    }
  };
  check_both();
  EXPECT_TRUE(voided && clarified && rated && checked);
  // The receipt times noted on the items (as the node does after delivery)
  // rewrite their rows; still equal.
  for (Node* n : {a_.get(), b_.get()}) {
    const std::int64_t last = n->store->snapshot(
        [&](store::Transaction& tx) { return tx.last_seq(link_, store::Direction::outbound); });
    note_item_receipts(*n->store, link_, 0, last);
  }
  check_both();
}

// A store from before the facts rows (migration 14) gets them when the node
// opens, once, equal to the facts of the logs.
TEST_P(ReviewServiceTest, AStoreWithoutFactsRowsGetsThemWhenTheNodeOpens) {
  traffic();
  const ReviewFacts before = facts(*a_);
  reopen_alpha_after(
      "DELETE FROM review_facts; DELETE FROM settings WHERE key = 'review_facts.filled';");
  EXPECT_TRUE(facts(*a_) == before);
  const auto rows = a_->store->snapshot([&](store::Transaction& tx) {
    int n = 0;
    tx.scan_review_facts(link_, [&](std::string_view, std::string_view, std::string_view) { ++n; });
    return n;
  });
  EXPECT_EQ(rows, 3);
  // Once: rows removed again stay removed (the setting says it was done).
  reopen_alpha_after("DELETE FROM review_facts;");
  EXPECT_TRUE(facts(*a_).items.empty());
}

// A link with more items than a batch of the PostgreSQL store's scans reads
// (256 items): both nodes read equal facts of every one, from the facts rows
// and from the logs alike.
TEST_P(ReviewServiceTest, ALinkOfManyItemsGivesEqualFactsOnBothNodes) {
  propose_agreement(*a_, "bravo", draft_agreement(*a_, "bravo", now_ms()), now_ms());
  settle();
  accept_agreement(*b_, "alpha", now_ms());
  settle();
  constexpr std::size_t kAlerts = 300;
  for (std::size_t i = 0; i < kAlerts; ++i) {
    AlertInput alert;
    alert.summary = "alert " + std::to_string(i);
    alert.details = "details";
    raise_alert(*(i % 3 == 0 ? b_ : a_), i % 3 == 0 ? "alpha" : "bravo", alert,
                i % 3 == 0 ? "bob" : "alice", now_ms());
  }
  for (int i = 0; i < 5; ++i) settle();
  const ReviewFacts fa = facts(*a_);
  EXPECT_EQ(fa.items.size(), kAlerts);
  EXPECT_TRUE(fa == facts(*b_));
  const auto slow = a_->store->snapshot([&](store::Transaction& tx) {
    return review_facts_from_logs(tx, link_,
                                  our_party(agreements_in_force(tx, link_).back().document,
                                            a_->identity.public_key().encoded()));
  });
  EXPECT_TRUE(fa == slow);
}

std::string store_name(const ::testing::TestParamInfo<bool>& p) {
  return p.param ? "postgres" : "sqlite";
}

INSTANTIATE_TEST_SUITE_P(Stores, ReviewServiceTest, ::testing::Bool(), store_name);

}  // namespace review_service_test
}  // namespace hotline::service
