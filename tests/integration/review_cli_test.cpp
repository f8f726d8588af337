// The review report between two real nodes through the CLI: traffic both
// ways (an alert acknowledged, a request acknowledged, answered and rated, a
// request declined), then alpha makes the report, bravo makes its own (the
// same body, byte for byte), verifies alpha's (it matches) and signs it; the
// agreed report, signed by both, is then kept by both nodes. A report with a
// figure changed fails verify, naming the figure.
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_output.h"
#include "hotline/crypto/canonical_json.h"
#include "link_harness.h"

namespace hotline::it {
namespace review_cli_test {

using nlohmann::json;

class ReviewCli : public TwoNodes {
 protected:
  json show(Side s, const std::string& kind, const std::string& id) {
    auto r = on(s, {kind, "show", id, "--json"});
    if (r.exit_code != 0) return json{{"error", r.err}, {"state", ""}};
    return json::parse(r.out);
  }
  void wait_state(Side s, const std::string& kind, const std::string& id,
                  const std::string& state) {
    auto j = poll_json([&] { return show(s, kind, id); },
                       [&](const json& d) { return d.value("state", "") == state; }, 20s);
    EXPECT_EQ(j.value("state", ""), state) << kind << " " << id << " on " << nodes_[s].name;
  }
  json read_json(const fs::path& p) {
    std::ifstream in(p);
    return json::parse(in);
  }
  fs::path file(const std::string& name) { return scratch() / name; }
  // The period ends when it is first asked for (after the traffic): a
  // report's period must have ended, and both nodes must be given one end.
  std::vector<std::string> period() {
    if (to_.empty()) to_ = format_timestamp(now_ms());
    return {"--from", from_, "--to", to_};
  }

  std::string from_ = format_timestamp(now_ms() - std::chrono::hours(24));
  std::string to_;
};

TEST_F(ReviewCli, AlphaMakesTheReportBravoVerifiesAndSignsItBothKeepTheAgreedReport) {
  ASSERT_NO_FATAL_FAILURE(start_linked());

  // Traffic.
  auto out = ok(kAlpha,
                {"alert", "raise", "--to", "bravo", "--summary", "Phishing wave", "--as", "alice"});
  const std::string alert = id_in(out);
  out = ok(kAlpha, {"request", "new", "--to", "bravo", "--kind", "information", "--subject",
                    "Subscriber of 203.0.113.7", "--as", "alice", "--approved-by", "bob"});
  const std::string asked = id_in(out);
  out = ok(kBravo, {"request", "new", "--to", "alpha", "--kind", "preservation", "--subject",
                    "Keep the logs of 198.51.100.9", "--as", "carol", "--approved-by", "dave"});
  const std::string theirs = id_in(out);
  wait_state(kBravo, "alert", alert, "delivered");
  wait_state(kBravo, "request", asked, "received");
  wait_state(kAlpha, "request", theirs, "received");
  ok(kBravo, {"alert", "ack", alert, "--as", "carol"});
  ok(kBravo, {"request", "ack", asked, "--as", "carol"});
  ok(kBravo, {"request", "respond", asked, "--final", "--note", "Here it is", "--as", "carol"});
  ok(kAlpha, {"request", "decline", theirs, "--reason", "not_competent", "--as", "alice"});
  wait_state(kAlpha, "request", asked, "responded_final");
  ok(kAlpha,
     {"request", "close", asked, "--completeness", "4", "--usefulness", "5", "--as", "alice"});
  wait_state(kBravo, "request", asked, "closed");
  wait_state(kBravo, "request", theirs, "declined");
  wait_state(kAlpha, "alert", alert, "acknowledged");

  // A period that has not ended yet is refused, and nothing is kept.
  auto early = on(kAlpha, {"review", "report", "--peer", "bravo", "--from", from_, "--to",
                           format_timestamp(now_ms() + std::chrono::hours(24))});
  EXPECT_NE(early.exit_code, 0);
  EXPECT_TRUE(has(early.err, "after now")) << early.out << early.err;
  EXPECT_TRUE(has(ok(kAlpha, {"review", "list"}), "No review reports"))
      << "a refused report was kept";

  // Alpha's report: once every receipt is home, bravo's body is the same,
  // byte for byte, and bravo's verify confirms alpha's report.
  const auto a_file = file("alpha-report.json");
  const auto b_file = file("bravo-report.json");
  bool same = false;
  for (int i = 0; i < 100 && !same; ++i) {
    auto args = period();
    args.insert(args.begin(), {"review", "report", "--peer", "bravo", "-o", a_file.string()});
    ok(kAlpha, args);
    args = period();
    args.insert(args.begin(), {"review", "report", "--peer", "alpha", "-o", b_file.string()});
    ok(kBravo, args);
    same = crypto::canonicalize(read_json(a_file)["body"]) ==
           crypto::canonicalize(read_json(b_file)["body"]);
    if (!same) std::this_thread::sleep_for(200ms);
  }
  ASSERT_TRUE(same) << "alpha:\n"
                    << read_json(a_file)["body"].dump(1) << "\nbravo:\n"
                    << read_json(b_file)["body"].dump(1);
  const json report = read_json(a_file);
  EXPECT_EQ(report["signatures"].size(), 1u);
  EXPECT_TRUE(report.contains("judgements"));
  EXPECT_EQ(report["body"]["directions"][0]["requests_total"]["current"]["received"].get<int>() +
                report["body"]["directions"][1]["requests_total"]["current"]["received"].get<int>(),
            2);

  out = ok(kBravo, {"review", "verify", a_file.string()});
  EXPECT_TRUE(has(out, "matches this node's records byte for byte")) << out;

  // A figure changed: verify fails and names it.
  json changed = report;
  changed["body"]["directions"][0]["alerts_total"]["current"]["raised"] = 9;
  {
    std::ofstream o(file("changed.json"));
    o << changed.dump();
  }
  auto r = on(kBravo, {"review", "verify", file("changed.json").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.out, "/directions/0/alerts_total/current/raised")) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "does not verify")) << r.out;
  EXPECT_NE(on(kBravo, {"review", "sign", file("changed.json").string()}).exit_code, 0);

  // Explain a figure.
  auto args = period();
  args.insert(args.begin(), {"review", "explain", "--peer", "bravo", "--figure",
                             "/directions/0/alerts_total/current/raised"});
  out = ok(kAlpha, args);
  EXPECT_TRUE(has(out, "(1 item)")) << out;

  // Bravo signs; the agreed report reaches alpha and both keep it.
  out = ok(kBravo, {"review", "sign", a_file.string()});
  EXPECT_TRUE(has(out, "is agreed")) << out;
  bool agreed = false;
  for (int i = 0; i < 100 && !agreed; ++i) {
    agreed = has(ok(kAlpha, {"review", "list"}), "agreed");
    if (!agreed) std::this_thread::sleep_for(200ms);
  }
  ASSERT_TRUE(agreed) << ok(kAlpha, {"review", "list"});
  EXPECT_TRUE(has(ok(kBravo, {"review", "list"}), "agreed"));
  const std::string listed = ok(kAlpha, {"review", "list"});
  const std::string short_id = listed.substr(0, 16);
  const json at_alpha = json::parse(ok(kAlpha, {"review", "show", short_id}));
  const json at_bravo = json::parse(ok(kBravo, {"review", "show", short_id}));
  EXPECT_EQ(at_alpha["signatures"].size(), 2u);
  EXPECT_EQ(crypto::canonicalize(at_alpha), crypto::canonicalize(at_bravo));
  EXPECT_EQ(crypto::canonicalize(at_alpha["body"]), crypto::canonicalize(report["body"]));

  // People's renderings of the agreed report.
  out = ok(kAlpha, {"review", "show", short_id, "--format", "html", "--lang", "zh-CN"});
  EXPECT_TRUE(has(out, "<html")) << out.substr(0, 200);
  EXPECT_TRUE(has(out, "甲方")) << "the Chinese rendering";
}

}  // namespace review_cli_test
}  // namespace hotline::it
