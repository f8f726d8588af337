// A dispute between two real nodes through the CLI (docs/review.md,
// "Disputes"): alpha (its desk, --dir) opens a timeliness dispute about a
// request it sent; bravo's operator answers over bravo's API; alpha's
// supervisor proposes a settlement that adjusts the request's final-response
// deadline; bravo's operator may not accept it (settle_disputes), bravo's
// supervisor does. Both nodes then show the same settled dispute (sides
// swapped), service::dispute_facts gives both the same facts and the same
// adjustment, and both nodes' review reports apply it alike.
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_output.h"
#include "hotline/common/encoding.h"
#include "hotline/service/dispute_facts.h"
#include "hotline/service/user_service.h"
#include "hotline/tls/certificate.h"
#include "link_harness.h"

namespace hotline::it {
namespace dispute_cli_test {

using nlohmann::json;

class DisputeCli : public TwoNodes {
 protected:
  void SetUp() override {
    ::setenv("HOTLINE_CONFIG", (scratch() / "none.json").string().c_str(), 1);
    for (const char* v : {"HOTLINE_URL", "HOTLINE_TOKEN", "HOTLINE_PIN_SHA256"}) ::unsetenv(v);
  }

  // Linked nodes; bravo has an operator (carol) and a supervisor (boss)
  // with API tokens.
  void start_with_users() {
    ASSERT_NO_FATAL_FAILURE(start_linked());
    service::AccountPolicy cheap;
    cheap.password_cost = crypto::kTestPasswordCost;
    auto node = service::open_node(dir(kBravo));
    for (const auto& [name, role] : std::map<std::string, service::Role>{
             {"carol", service::Role::operator_}, {"boss", service::Role::supervisor}}) {
      service::add_user(*node.store, name, "", {role}, "a long enough password", now_ms(), cheap);
      tokens_[name] = service::create_api_token(*node.store, name, "terminal", now_ms()).token;
    }
    pin_ =
        to_hex(tls::certificate_sha256(testing::read_file(dir(kBravo) / "tls" / "operator.crt")));
  }

  // `hotline ARGS` over bravo's API as `user`.
  testing::RunResult api(const std::string& user, std::vector<std::string> args) {
    args.insert(args.end(), {"--url", "https://127.0.0.1:" + std::to_string(node(kBravo).op_port),
                             "--token", tokens_.at(user), "--pin-sha256", pin_});
    return cli(std::move(args));
  }

  json show_alpha(const std::string& id) {
    auto r = on(kAlpha, {"dispute", "show", id, "--json"});
    return r.exit_code == 0 ? json::parse(r.out) : json{{"state", ""}, {"error", r.err}};
  }
  json show_bravo(const std::string& id) {
    auto r = api("carol", {"dispute", "show", id, "--json"});
    return r.exit_code == 0 ? json::parse(r.out) : json{{"state", ""}, {"error", r.err}};
  }
  template <class Fn>
  json wait_state(Fn fetch, const std::string& state) {
    auto j = poll_json(
        fetch, [&](const json& d) { return d.value("state", "") == state; }, 20s);
    EXPECT_EQ(j.value("state", ""), state) << j.dump(2);
    return j;
  }

  // The node's dispute facts, its party letter read from the agreement.
  service::DisputeReview facts(Side s) {
    auto n = service::open_node(dir(s));
    const std::string key = n.identity.public_key().encoded();
    return n.store->snapshot([&](store::Transaction& tx) {
      const std::string link = link_of(*n.store, peer_name_of(s));
      auto ag = service::agreement_in_force(tx, link);
      EXPECT_TRUE(ag.has_value());
      const auto ours = ag && ag->a.public_key == key ? review::Party::a : review::Party::b;
      return service::dispute_facts(tx, link, ours);
    });
  }

  std::map<std::string, std::string> tokens_;
  std::string pin_;
};

TEST_F(DisputeCli, TimelinessDisputeSettledWithAnAdjustmentAlikeOnBothNodes) {
  ASSERT_NO_FATAL_FAILURE(start_with_users());
  auto out = ok(kAlpha, {"request", "new", "--to", "bravo", "--kind", "information", "--subject",
                         "Logs of 203.0.113.7", "--as", "alice", "--approved-by", "bob"});
  const std::string request = id_in(out);
  ASSERT_EQ(request.size(), 8u) << out;
  wait_state(
      [&] {
        auto r = api("carol", {"request", "show", request, "--json"});
        return r.exit_code == 0 ? json::parse(r.out) : json{{"state", ""}, {"error", r.err}};
      },
      "received");

  // Bad input first: nothing is opened.
  auto r = on(kAlpha, {"dispute", "open", "--with", "bravo", "--item", request, "--ground",
                       "lateness", "--text", "x", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, "timeliness, quality, attribution, jurisdiction, other")) << r.err;
  r = on(kAlpha, {"dispute", "open", "--with", "bravo", "--ground", "timeliness", "--text", "x",
                  "--as", "alice"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(has(r.err, "--item ID, or --figure")) << r.err;
  // A request still a draft here (four-eyes, no approver yet): bravo has
  // never seen it, so there is nothing to dispute.
  out = ok(kAlpha, {"request", "new", "--to", "bravo", "--kind", "information", "--subject",
                    "Not sent yet", "--as", "alice"});
  const std::string draft = id_in(out);
  r = on(kAlpha, {"dispute", "open", "--with", "bravo", "--item", draft, "--ground", "timeliness",
                  "--text", "x", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(has(r.err, "is a draft that bravo has not received")) << r.err;
  EXPECT_TRUE(has(ok(kAlpha, {"dispute", "list", "--all"}), "No disputes.")) << "refused: none";

  const auto log_file = scratch() / "phone-log.txt";
  const std::string log_text = "2026-03-02 10:14 call with bravo desk: no extension agreed\n";
  {
    std::ofstream f(log_file);
    f << log_text;
  }
  out = ok(kAlpha, {"dispute", "open", "--with", "bravo", "--item", request, "--ground",
                    "timeliness", "--text", "The final response came two days late.", "--attach",
                    log_file.string(), "--as", "alice"});
  EXPECT_TRUE(has(out, "opened with bravo")) << out;
  const std::string id = id_in(out);
  ASSERT_EQ(id.size(), 8u) << out;

  // Bravo's operator answers (over bravo's API); the opener may not.
  const json opened = wait_state([&] { return show_bravo(id); }, "open");
  ASSERT_EQ(opened["positions"][0]["attachments"].size(), 1u) << opened.dump(2);
  EXPECT_EQ(opened["positions"][0]["attachments"][0]["name"], "phone-log.txt");
  // Bravo's node fetches the file over the link; carol downloads it.
  const std::string sha = opened["positions"][0]["attachments"][0].value("sha256", "");
  const auto got = scratch() / "got.txt";
  ASSERT_TRUE(testing::eventually(
      [&] {
        return api("carol", {"attachment", "get", sha, "--out", got.string()}).exit_code == 0;
      },
      std::chrono::seconds(20)))
      << "the dispute's attachment never reached bravo";
  EXPECT_EQ(testing::read_file(got), log_text);
  r = on(kAlpha, {"dispute", "answer", id, "--text", "mine", "--as", "alice"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(has(r.err, "That is for bravo to do")) << r.err;
  r = api("carol",
          {"dispute", "answer", id, "--text", "The deadline was extended by phone on 2 March."});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "answered (now answered)")) << r.out;

  // Alpha's supervisor proposes a settlement that adjusts the deadline.
  wait_state([&] { return show_alpha(id); }, "answered");
  out =
      ok(kAlpha, {"dispute", "propose", id, "--text",
                  "Count the request as answered on time: extended by phone on 2 March.",
                  "--adjust-item", request, "--adjust-deadline", "final_response", "--as", "sam"});
  EXPECT_TRUE(has(out, "settlement version 1 proposed")) << out;

  // On bravo an operator may not accept it; a supervisor does.
  auto proposed = wait_state([&] { return show_bravo(id); }, "settlement_proposed");
  EXPECT_EQ(proposed["proposal"]["side"], "theirs");
  // Bravo's page (over the API) shows the proposal and what bravo may do.
  r = api("carol", {"dispute", "show", id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The disputed item is named with its kind, state and title, as bravo shows it.
  EXPECT_TRUE(has(r.out, "request " + request + " (")) << r.out;
  EXPECT_TRUE(has(r.out, "): Logs of 203.0.113.7")) << r.out;
  EXPECT_TRUE(has(r.out, "settlement proposed, version 1, by sam (alpha)")) << r.out;
  EXPECT_TRUE(has(r.out, "hotline dispute accept --url")) << r.out;
  EXPECT_TRUE(has(r.out, "--version 1   (a supervisor)")) << r.out;
  EXPECT_FALSE(has(r.out, "hotline dispute withdraw")) << "only alpha withdraws:\n" << r.out;
  r = api("carol", {"dispute", "accept", id, "--version", "1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(has(r.err, "settle_disputes")) << r.err;
  r = api("boss", {"dispute", "accept", id, "--version", "2"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(has(r.err, "version 1, not 2")) << r.err;
  r = api("boss", {"dispute", "accept", id, "--version", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "settlement accepted (now settled)")) << r.out;

  // Both nodes show the same settled dispute, sides swapped.
  const json a = wait_state([&] { return show_alpha(id); }, "settled");
  const json b = show_bravo(id);
  EXPECT_EQ(b.value("state", ""), "settled");
  for (const char* member : {"id", "title", "ground", "subject", "proposal_version", "settled_at",
                             "settled_by", "labels"})
    EXPECT_EQ(a[member], b[member]) << member;
  EXPECT_EQ(a["settled_by"], "boss");
  EXPECT_EQ(a["origin"], "ours");
  EXPECT_EQ(b["origin"], "theirs");
  EXPECT_EQ(a["proposal"]["text"], b["proposal"]["text"]);
  EXPECT_EQ(a["proposal"]["adjustment"], b["proposal"]["adjustment"]);
  EXPECT_EQ(a["proposal"]["adjustment"]["deadline"], "final_response");
  ASSERT_EQ(a["positions"].size(), 2u);
  EXPECT_EQ(a["positions"][1]["text"], b["positions"][1]["text"]);
  EXPECT_EQ(a["positions"][1]["side"], "theirs");
  EXPECT_EQ(b["positions"][1]["side"], "ours");

  const std::string page = ok(kAlpha, {"dispute", "show", id});
  EXPECT_TRUE(has(page, "settlement (signed by both)")) << page;
  EXPECT_TRUE(has(page, "final_response deadline")) << page;
  EXPECT_TRUE(has(page, "next: nothing for this node to do")) << page;
  // Ended: listed only with --all.
  EXPECT_TRUE(has(ok(kAlpha, {"dispute", "list"}), "No disputes still argued")) << "settled";
  EXPECT_TRUE(has(ok(kAlpha, {"dispute", "list", "--all"}), id));

  // The review's facts: the same on both nodes, the adjustment included.
  const auto fa = facts(kAlpha);
  const auto fb = facts(kBravo);
  ASSERT_EQ(fa.disputes.size(), 1u);
  EXPECT_EQ(fa.disputes, fb.disputes);
  EXPECT_EQ(fa.adjustments, fb.adjustments);
  ASSERT_EQ(fa.adjustments.size(), 1u);
  EXPECT_EQ(fa.adjustments[0].item, a["proposal"]["adjustment"]["item"].get<std::string>());
  EXPECT_EQ(fa.adjustments[0].deadline, "final_response");
  EXPECT_TRUE(fa.disputes[0].settled.has_value());
  EXPECT_NE(fa.disputes[0].settled_by, fa.disputes[0].opened_by);

  // The review report of each node applies the adjustment and counts the
  // dispute settled, alike.
  const std::string from = format_timestamp(now_ms() - std::chrono::hours(24));
  const std::string to = format_timestamp(now_ms());  // a report's period must have ended
  const auto a_file = scratch() / "alpha-report.json";
  const auto b_file = scratch() / "bravo-report.json";
  ok(kAlpha,
     {"review", "report", "--peer", "bravo", "--from", from, "--to", to, "-o", a_file.string()});
  ok(kBravo,
     {"review", "report", "--peer", "alpha", "--from", from, "--to", to, "-o", b_file.string()});
  const json ra = json::parse(testing::read_file(a_file))["body"];
  const json rb = json::parse(testing::read_file(b_file))["body"];
  EXPECT_EQ(ra["adjustments"], rb["adjustments"]);
  EXPECT_EQ(ra["disputes"], rb["disputes"]);
  ASSERT_EQ(ra["adjustments"].size(), 1u) << ra.dump(2);
  EXPECT_EQ(ra["adjustments"][0]["item"], a["proposal"]["adjustment"]["item"]);
  EXPECT_EQ(ra["adjustments"][0]["deadline"], "final_response");
  EXPECT_EQ(ra["adjustments"][0]["dispute"], a["id"]);
  EXPECT_EQ(ra["disputes"]["current"]["settled"], 1);
  EXPECT_EQ(ra["disputes"]["current"]["by_ground"]["timeliness"], 1);

  // The change reached bravo's event stream.
  auto n = service::open_node(dir(kBravo));
  bool received = false;
  n.store->snapshot([&](store::Transaction& tx) {
    for (const auto& e : tx.list_events(0, 100000))
      if (e.kind == "dispute_received" && has(e.detail, id)) received = true;
    return 0;
  });
  EXPECT_TRUE(received) << "no dispute_received event on bravo";
}

}  // namespace dispute_cli_test
}  // namespace hotline::it
