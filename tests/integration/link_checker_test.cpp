// The harness's end-to-end check must itself be able to fail: after a small
// real exchange, copies of the receiver's data directory are tampered with
// behind the store's back (plain SQL), and expect_direction_intact must
// report each kind of damage.
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "link_harness.h"

namespace hotline::it {
namespace link_checker_test {

// Runs fn with gtest's failure reporting intercepted; returns the messages
// of the failures it raised (they do not count against this test).
template <class Fn>
std::vector<std::string> failures_of(Fn fn) {
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, &results);
    fn();
  }
  std::vector<std::string> out;
  for (int i = 0; i < results.size(); ++i) out.push_back(results.GetTestPartResult(i).message());
  return out;
}

// At least one failure, and one of them mentions `needle`.
::testing::AssertionResult reports(const std::vector<std::string>& failures,
                                   const std::string& needle) {
  if (failures.empty()) return ::testing::AssertionFailure() << "the check raised no failure";
  for (const auto& f : failures)
    if (f.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  auto r = ::testing::AssertionFailure() << "no failure mentions \"" << needle << "\"; got:";
  for (const auto& f : failures) r << "\n  " << f;
  return r;
}

class LinkChecker : public TwoNodes {
 protected:
  // A copy of bravo's data directory with `sql` applied to its database.
  fs::path tampered_copy(const std::string& name, const std::string& sql) {
    auto copy = scratch() / name;
    fs::copy(dir(kBravo), copy, fs::copy_options::recursive);
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open((copy / "hotline.db").c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (err ? err : "");
    EXPECT_GT(sqlite3_changes(db), 0) << "the tampering changed nothing: " << sql;
    sqlite3_free(err);
    sqlite3_close(db);
    return copy;
  }
};

TEST_F(LinkChecker, TheEndToEndCheckDetectsTampering) {
  const std::int64_t n = 20;
  ASSERT_NO_FATAL_FAILURE(setup());
  ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  ASSERT_NO_FATAL_FAILURE(start(kBravo));
  ASSERT_NO_THROW(enqueue(dir(kAlpha), "bravo", n));
  ASSERT_TRUE(wait_delivered(dir(kAlpha), "bravo", n, 30s));
  ASSERT_NO_FATAL_FAILURE(settle_and_stop());
  const auto texts = msg_texts("alpha", 0, n);

  // Untouched: passes.
  expect_direction_intact(dir(kAlpha), "bravo", dir(kBravo), texts);
  ASSERT_FALSE(HasFailure()) << "the intact exchange did not pass the check";

  // Expecting other texts than were sent.
  EXPECT_TRUE(reports(failures_of([&] {
                        expect_direction_intact(dir(kAlpha), "bravo", dir(kBravo),
                                                msg_texts("alpha", 1, n));
                      }),
                      "expected \"msg 00001 from alpha\""));

  // A desk message lost on the receiver.
  auto lost = tampered_copy("lost",
                            "DELETE FROM desk_messages WHERE direction = 'inbound' AND seq = "
                            "(SELECT MAX(seq) FROM desk_messages WHERE direction = 'inbound');");
  EXPECT_TRUE(
      reports(failures_of([&] { expect_direction_intact(dir(kAlpha), "bravo", lost, texts); }),
              "inbound desk messages on the receiver"));

  // A desk message's text altered on the receiver.
  auto altered =
      tampered_copy("altered",
                    "UPDATE desk_messages SET text = 'msg 00003 from alpha' WHERE direction = "
                    "'inbound' AND text = 'msg 00004 from alpha';");
  EXPECT_TRUE(
      reports(failures_of([&] { expect_direction_intact(dir(kAlpha), "bravo", altered, texts); }),
              "(duplicate)"));

  // An inbound envelope's stored bytes changed: its chain breaks.
  auto forged =
      tampered_copy("forged",
                    "UPDATE envelopes SET canonical = replace(canonical, 'msg 00007', 'msg 00070') "
                    "WHERE direction = 'inbound' AND canonical LIKE '%msg 00007 from alpha%';");
  EXPECT_TRUE(
      reports(failures_of([&] { expect_direction_intact(dir(kAlpha), "bravo", forged, texts); }),
              "receiver's inbound chain"));

  // The last inbound envelope gone (with its receipt and message).
  auto truncated = tampered_copy(
      "truncated",
      "DELETE FROM desk_messages WHERE envelope_id = (SELECT id FROM envelopes WHERE direction = "
      "'inbound' ORDER BY seq DESC LIMIT 1);"
      "DELETE FROM receipts WHERE direction = 'inbound' AND seq = (SELECT MAX(seq) FROM envelopes "
      "WHERE direction = 'inbound');"
      "DELETE FROM envelopes WHERE direction = 'inbound' AND seq = (SELECT MAX(seq) FROM "
      "envelopes WHERE direction = 'inbound');");
  EXPECT_TRUE(
      reports(failures_of([&] { expect_direction_intact(dir(kAlpha), "bravo", truncated, texts); }),
              "sender stored"));
}

}  // namespace link_checker_test
}  // namespace hotline::it
