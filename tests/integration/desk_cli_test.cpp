// The duty officer's CLI (`hotline alert|request|case`) on two real nodes
// linked by an agreement: what one desk does shows up on the other, the
// four-eyes rule, the whole request lifecycle, cases with private notes, and
// bad input refused with a clear message and nothing changed.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_output.h"
#include "link_harness.h"

namespace hotline::it {
namespace desk_cli_test {

using nlohmann::json;

class DeskCli : public TwoNodes {
 protected:
  // `KIND show ID --json` (json{"error": ...} when it fails).
  json show(Side s, const std::string& kind, const std::string& id) {
    auto r = on(s, {kind, "show", id, "--json"});
    if (r.exit_code != 0) return json{{"error", r.err}, {"state", ""}};
    return json::parse(r.out);
  }

  json list(Side s, const std::string& kind, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {kind, "list", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = on(s, args);
    if (r.exit_code != 0) {
      ADD_FAILURE() << kind << " list: " << r.err;
      return json::array();
    }
    return json::parse(r.out);
  }

  // Waits (bounded) until the item shows `state` on side `s`.
  json wait_state(Side s, const std::string& kind, const std::string& id,
                  const std::string& state) {
    auto j = poll_json([&] { return show(s, kind, id); },
                       [&](const json& d) { return d.value("state", "") == state; }, 20s);
    EXPECT_EQ(j.value("state", ""), state)
        << kind << " " << id << " on " << nodes_[s].name << ": " << j.dump(2);
    return j;
  }
};

// ---------------------------------------------------------------------------

TEST_F(DeskCli, AlertRaisedAcknowledgedAndCaseShared) {
  ASSERT_NO_FATAL_FAILURE(start_linked());

  // alpha raises an alert to bravo.
  auto out = ok(kAlpha, {"alert",         "raise",
                         "--to",          "bravo",
                         "--summary",     "Scanning from 203.0.113.0/24",
                         "--details",     "ssh, 40k attempts/min",
                         "--tlp",         "green",
                         "--reliability", "b",
                         "--credibility", "2",
                         "--rsit",        "intrusion-attempts:brute-force",
                         "--offence",     "art2",
                         "--as",          "alice"});
  EXPECT_TRUE(has(out, "raised to bravo")) << out;
  EXPECT_TRUE(has(out, "(acknowledge within 15 min)")) << out;
  const std::string alert = id_in(out);
  ASSERT_EQ(alert.size(), 8u) << out;

  // It shows on bravo as an open alert from alpha, with its deadline.
  auto listed = poll_json([&] { return list(kBravo, "alert"); },
                          [](const json& l) { return l.size() == 1; }, 20s);
  ASSERT_EQ(listed.size(), 1u) << listed.dump(2);
  const std::string full = listed[0].value("id", "");
  EXPECT_EQ(full.substr(full.size() - 8), alert);
  EXPECT_EQ(listed[0].value("origin", ""), "theirs");
  EXPECT_EQ(listed[0].value("peer", ""), "alpha");
  EXPECT_EQ(listed[0]["labels"].value("tlp", ""), "TLP:GREEN");
  EXPECT_EQ(listed[0]["labels"].value("reliability", ""), "B");
  EXPECT_EQ(listed[0]["labels"]["offences"], json::array({"budapest:art2"}));
  auto table = ok(kBravo, {"alert", "list"});
  EXPECT_TRUE(has(table, alert) && has(table, "from alpha") && has(table, "TLP:GREEN") &&
              has(table, "Scanning from 203.0.113.0/24"))
      << table;
  auto page = ok(kBravo, {"alert", "show", alert});
  EXPECT_TRUE(has(page, "Usually reliable")) << page;
  EXPECT_TRUE(has(page, "Probably true")) << page;
  EXPECT_TRUE(has(page, "hotline alert ack")) << page;

  // Wrong side: alpha cannot acknowledge its own alert; nothing changes
  // (once bravo's receipt is back, nothing else moves the alert on alpha).
  wait_state(kAlpha, "alert", alert, "delivered");
  auto before = stable(show(kAlpha, "alert", alert));
  auto r = on(kAlpha, {"alert", "ack", alert, "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "acknowledge") && has(r.err, "receiving side") && has(r.err, "bravo"))
      << r.err;
  EXPECT_EQ(stable(show(kAlpha, "alert", alert)), before);

  // bravo acknowledges; alpha sees it, by whom.
  out = ok(kBravo, {"alert", "ack", alert, "--as", "carol"});
  EXPECT_TRUE(has(out, "acknowledged by carol")) << out;
  auto a = wait_state(kAlpha, "alert", alert, "acknowledged");
  EXPECT_EQ(a.value("acknowledged_by", ""), "carol");
  ASSERT_FALSE(a["deadlines"].empty()) << a.dump(2);
  EXPECT_EQ(a["deadlines"][0].value("status", ""), "met") << a.dump(2);
  table = ok(kAlpha, {"alert", "list"});
  EXPECT_TRUE(has(table, "met")) << table;

  // A request to link into the case (sent at once: --approved-by).
  out = ok(kAlpha, {"request", "new", "--to", "bravo", "--kind", "information", "--subject",
                    "Subscriber of 203.0.113.7", "--as", "alice", "--approved-by", "bob"});
  ASSERT_TRUE(has(out, "sent to bravo")) << out;
  const std::string request = id_in(out);

  // A case: opened by alpha, seen by bravo.
  out = ok(kAlpha, {"case", "new", "--with", "bravo", "--title", "Brute force on ssh farm", "--tlp",
                    "TLP:AMBER+STRICT", "--as", "alice"});
  EXPECT_TRUE(has(out, "opened with bravo")) << out;
  const std::string cs = id_in(out);
  wait_state(kBravo, "case", cs, "open");
  ok(kAlpha, {"case", "link", cs, "--alert", alert, "--as", "alice"});
  ok(kAlpha, {"case", "link", cs, "--request", request, "--as", "alice"});
  ok(kAlpha,
     {"case", "indicator", cs, "--type", "ipv4-addr", "--value", "203.0.113.7", "--as", "alice"});
  // Linking the same alert twice is refused.
  r = on(kAlpha, {"case", "link", cs, "--alert", alert, "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  out = ok(kAlpha, {"case", "note", cs, "--text", "Informant says: the farm is rented by X", "--as",
                    "alice"});
  EXPECT_TRUE(has(out, "private note")) << out;

  auto b = poll_json([&] { return show(kBravo, "case", cs); },
                     [](const json& d) { return d.value("indicators", json::array()).size() == 1; },
                     20s);
  ASSERT_EQ(b.value("indicators", json::array()).size(), 1u) << b.dump(2);
  EXPECT_EQ(b["alert_ids"].size(), 1u);
  EXPECT_EQ(b["request_ids"].size(), 1u);
  EXPECT_EQ(b["labels"].value("tlp", ""), "TLP:AMBER+STRICT");

  // bravo adds to the shared timeline; alpha sees it.
  ok(kBravo, {"case", "entry", cs, "--text", "Hosting provider notified", "--as", "carol"});
  auto ac = poll_json([&] { return show(kAlpha, "case", cs); },
                      [](const json& d) {
                        return has(d.value("timeline", json::array()).dump(), "Hosting provider");
                      },
                      20s);
  EXPECT_TRUE(has(ac["timeline"].dump(), "Hosting provider notified")) << ac.dump(2);
  // alpha's private note is on alpha only.
  EXPECT_TRUE(has(ac["notes"].dump(), "Informant says")) << ac.dump(2);
  page = ok(kAlpha, {"case", "show", cs});
  EXPECT_TRUE(has(page, "Informant says")) << page;

  // alpha closes, bravo reopens (either side may).
  ok(kAlpha, {"case", "close", cs, "--note", "Farm taken down", "--as", "alice"});
  wait_state(kBravo, "case", cs, "closed");
  r = on(kBravo, {"case", "entry", cs, "--text", "late", "--as", "carol"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "'closed'") && has(r.err, "'add_entry'")) << r.err;
  ok(kBravo, {"case", "reopen", cs, "--reason", "Farm is back", "--as", "carol"});
  wait_state(kAlpha, "case", cs, "reopened");
  EXPECT_EQ(list(kAlpha, "case").size(), 1u);

  // bravo never sees the private note, in any form.
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"case", "show", cs}, {"case", "show", cs, "--json"}, {"case", "list", "--all"}}) {
    auto rb = on(kBravo, args);
    EXPECT_EQ(rb.exit_code, 0) << rb.err;
    EXPECT_FALSE(has(rb.out, "Informant")) << rb.out;
  }
  EXPECT_EQ(show(kBravo, "case", cs)["notes"], json::array());
  {
    // Nor did it travel: no envelope alpha sent carries it.
    auto node = service::open_node(dir(kAlpha));
    auto tx = node.store->read();
    auto sent =
        tx->list_envelopes(link_of(*node.store, "bravo"), store::Direction::outbound, 0, 100000);
    EXPECT_FALSE(sent.empty());
    for (const auto& e : sent) EXPECT_FALSE(has(e.canonical, "Informant")) << e.type;
  }

  // alpha closes its alert; it leaves the open list on both sides.
  ok(kAlpha, {"alert", "close", alert, "--note", "Handled in case", "--as", "alice"});
  wait_state(kBravo, "alert", alert, "closed");
  EXPECT_EQ(list(kBravo, "alert").size(), 0u);
  EXPECT_EQ(list(kBravo, "alert", {"--all"}).size(), 1u);
}

// ---------------------------------------------------------------------------

TEST_F(DeskCli, RequestLifecycleWithFourEyes) {
  ASSERT_NO_FATAL_FAILURE(start_linked());

  // The default agreement asks for four-eyes: a draft until someone else
  // approves it.
  auto out = ok(kAlpha, {"request", "new", "--to", "bravo", "--kind", "preservation", "--subject",
                         "Preserve logs of 203.0.113.7", "--details", "All of March", "--rsit",
                         "fraud:phishing", "--as", "alice"});
  EXPECT_TRUE(has(out, "saved as a draft") && has(out, "hotline request approve")) << out;
  const std::string id = id_in(out);
  EXPECT_EQ(show(kAlpha, "request", id).value("state", ""), "draft");

  // Not by its author.
  auto before = stable(show(kAlpha, "request", id));
  auto r = on(kAlpha, {"request", "approve", id, "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "requires someone else to approve")) << r.err;
  EXPECT_EQ(stable(show(kAlpha, "request", id)), before);
  // Actions on a draft are refused too.
  r = on(kAlpha, {"request", "withdraw", id, "--reason", "x", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "draft")) << r.err;

  out = ok(kAlpha, {"request", "approve", id, "--as", "bob"});
  EXPECT_TRUE(has(out, "approved by bob and sent to bravo")) << out;
  EXPECT_TRUE(has(out, "(acknowledge within 1 h, respond within 3 days)")) << out;
  r = on(kAlpha, {"request", "approve", id, "--as", "bob"});
  EXPECT_EQ(r.exit_code, 1) << "approving twice";

  auto b = wait_state(kBravo, "request", id, "received");
  EXPECT_EQ(b.value("subject", ""), "Preserve logs of 203.0.113.7");
  EXPECT_EQ(b.value("request_kind", ""), "preservation");
  EXPECT_EQ(b.value("origin", ""), "theirs");
  ASSERT_EQ(b["deadlines"].size(), 2u) << b.dump(2);
  EXPECT_EQ(b["deadlines"][0].value("side", ""), "ours");
  auto table = ok(kBravo, {"request", "list", "--incoming"});
  EXPECT_TRUE(has(table, id) && has(table, "ack due in")) << table;
  EXPECT_TRUE(has(ok(kBravo, {"request", "list", "--outgoing"}), "No open requests"));

  // The requester cannot acknowledge its own request.
  r = on(kAlpha, {"request", "ack", id, "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "responding side")) << r.err;

  ok(kBravo, {"request", "ack", id, "--as", "carol"});
  wait_state(kAlpha, "request", id, "acknowledged");
  ok(kBravo, {"request", "clarify", id, "--question", "Which time zone?", "--as", "carol"});
  auto a = wait_state(kAlpha, "request", id, "clarification_requested");
  EXPECT_TRUE(has(ok(kAlpha, {"request", "show", id}), "hotline request answer"));
  ok(kAlpha, {"request", "answer", id, "--text", "UTC", "--as", "alice"});
  b = wait_state(kBravo, "request", id, "acknowledged");
  ASSERT_EQ(b["pauses"].size(), 1u) << b.dump(2);
  EXPECT_TRUE(b["pauses"][0]["end"].is_string());

  // A partial response with a file, then the final one.
  const auto evidence = scratch() / "logs-march.txt";
  {
    std::ofstream f(evidence);
    f << "2026-03-01T00:00:00Z sshd[1]: Failed password for root from 203.0.113.7\n";
  }
  out = ok(kBravo, {"request", "respond", id, "--partial", "--note", "First half of March",
                    "--attach", evidence.string(), "--as", "carol"});
  EXPECT_TRUE(has(out, "partial response sent to alpha with 1 attachment")) << out;
  a = wait_state(kAlpha, "request", id, "responded_partial");
  ASSERT_EQ(a["files"].size(), 1u) << a.dump(2);
  EXPECT_EQ(a["files"][0].value("name", ""), "logs-march.txt");
  EXPECT_EQ(a["files"][0].value("side", ""), "theirs");
  // A second clarification loop, after the partial response: once answered
  // it goes back to responded_partial, and a second pause is recorded.
  ok(kBravo, {"request", "clarify", id, "--question", "Server or client clock?", "--as", "carol"});
  wait_state(kAlpha, "request", id, "clarification_requested");
  ok(kAlpha, {"request", "answer", id, "--text", "Server clock", "--as", "alice"});
  b = wait_state(kBravo, "request", id, "responded_partial");
  EXPECT_EQ(b["pauses"].size(), 2u) << b.dump(2);
  ok(kBravo, {"request", "respond", id, "--final", "--note", "All of March", "--as", "carol"});
  wait_state(kAlpha, "request", id, "responded_final");

  // Closed with a rating, reopened (once), answered again, closed.
  out = ok(kAlpha, {"request", "close", id, "--completeness", "3", "--usefulness", "4", "--comment",
                    "Missing 31 March", "--as", "alice"});
  EXPECT_TRUE(has(out, "completeness 3/5, usefulness 4/5")) << out;
  b = wait_state(kBravo, "request", id, "closed");
  ASSERT_EQ(b["ratings"].size(), 1u);
  EXPECT_EQ(b["ratings"][0].value("comment", ""), "Missing 31 March");
  r = on(kAlpha,
         {"request", "close", id, "--completeness", "9", "--usefulness", "4", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 2) << "completeness out of range";
  ok(kAlpha, {"request", "reopen", id, "--reason", "31 March is missing", "--as", "alice"});
  wait_state(kBravo, "request", id, "acknowledged");
  ok(kBravo, {"request", "respond", id, "--note", "31 March attached", "--as", "carol"});
  wait_state(kAlpha, "request", id, "responded_final");
  ok(kAlpha, {"request", "close", id, "--completeness", "5", "--usefulness", "5", "--as", "alice"});
  b = wait_state(kBravo, "request", id, "closed");
  EXPECT_EQ(b["ratings"].size(), 2u);
  r = on(kAlpha, {"request", "reopen", id, "--reason", "again", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "only once")) << r.err;
  EXPECT_TRUE(has(ok(kAlpha, {"request", "list"}), "No open requests"));
  EXPECT_EQ(list(kAlpha, "request", {"--all"}).size(), 1u);

  // Declined: with a reason code.
  out = ok(kAlpha, {"request", "new", "--to", "bravo", "--kind", "takedown", "--priority", "urgent",
                    "--subject", "Take down example.test/propaganda", "--as", "alice",
                    "--approved-by", "bob"});
  EXPECT_TRUE(has(out, "sent to bravo") &&
              has(out, "(acknowledge within 15 min, respond within 1 h)"))
      << out;
  const std::string declined = id_in(out);
  wait_state(kBravo, "request", declined, "received");
  r = on(kBravo, {"request", "decline", declined, "--reason", "because", "--as", "carol"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "legal_obstacle")) << r.err;
  r = on(kBravo, {"request", "decline", declined, "--reason", "other", "--as", "carol"});
  EXPECT_EQ(r.exit_code, 1) << "'other' needs a note";
  ok(kBravo, {"request", "decline", declined, "--reason", "not_competent", "--note",
              "Hosted elsewhere", "--as", "carol"});
  a = wait_state(kAlpha, "request", declined, "declined");
  EXPECT_EQ(a.value("decline_reason", ""), "not_competent");
  r = on(kAlpha, {"request", "withdraw", declined, "--reason", "x", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "'declined'") && has(r.err, "'withdraw'")) << r.err;

  // Withdrawn by the requester.
  out = ok(kAlpha, {"request", "new", "--to", "bravo", "--kind", "assistance", "--subject",
                    "Joint interview", "--as", "alice", "--approved-by", "bob"});
  const std::string withdrawn = id_in(out);
  wait_state(kBravo, "request", withdrawn, "received");
  ok(kAlpha, {"request", "withdraw", withdrawn, "--reason", "Suspect arrested", "--as", "alice"});
  wait_state(kBravo, "request", withdrawn, "withdrawn");
  r = on(kBravo, {"request", "ack", withdrawn, "--as", "carol"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "'withdrawn'") && has(r.err, "'acknowledge'")) << r.err;
}

// ---------------------------------------------------------------------------

TEST_F(DeskCli, BadInputIsRefusedWithAClearMessageAndChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  auto out = ok(kAlpha, {"alert", "raise", "--to", "bravo", "--summary", "DDoS on 198.51.100.1",
                         "--tlp", "amber+strict", "--as", "alice"});
  const std::string alert = id_in(out);
  auto doc = show(kAlpha, "alert", alert);
  EXPECT_EQ(doc["labels"].value("tlp", ""), "TLP:AMBER+STRICT") << doc.dump(2);
  wait_state(kBravo, "alert", alert, "delivered");
  // ... and the receipt is back on alpha: nothing moves any more.
  wait_state(kAlpha, "alert", alert, "delivered");
  const auto all_before = stable(list(kAlpha, "alert", {"--all"}));

  // Unknown ids.
  auto r = on(kBravo, {"alert", "ack", "0000000000000000", "--as", "carol"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "hotline: no alert") && has(r.err, "0000000000000000")) << r.err;
  r = on(kBravo, {"alert", "ack", "abc", "--as", "carol"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "at least its first or last 8 characters")) << r.err;
  r = on(kAlpha, {"request", "show", alert});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "an alert, not a request")) << r.err;
  // The same with the short id an officer reads on screen.
  r = on(kAlpha, {"request", "show", alert.substr(alert.size() - 8)});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "an alert, not a request")) << r.err;

  // Bad labels: the message lists the valid values; nothing is raised.
  r = on(kAlpha,
         {"alert", "raise", "--to", "bravo", "--summary", "x", "--tlp", "purple", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "purple") && has(r.err, "TLP:CLEAR") && has(r.err, "TLP:AMBER+STRICT") &&
              has(r.err, "TLP:RED"))
      << r.err;
  r = on(kAlpha,
         {"alert", "raise", "--to", "bravo", "--summary", "x", "--tlp", "white", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "CLEAR")) << r.err;
  r = on(kAlpha, {"alert", "raise", "--to", "bravo", "--summary", "x", "--rsit", "fraud:nope",
                  "--as", "alice"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "fraud:phishing")) << r.err;
  r = on(kAlpha, {"alert", "raise", "--to", "bravo", "--summary", "x", "--offence",
                  "budapest:art99", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "budapest:art2") && has(r.err, "budapest:art11")) << r.err;
  r = on(kAlpha, {"alert", "raise", "--to", "bravo", "--summary", "x", "--reliability", "G", "--as",
                  "alice"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "Completely reliable")) << r.err;

  // Missing --as.
  r = on(kAlpha, {"alert", "raise", "--to", "bravo", "--summary", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "--as NAME is required")) << r.err;
  r = on(kBravo, {"alert", "ack", alert});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "--as")) << r.err;
  EXPECT_EQ(stable(list(kAlpha, "alert", {"--all"})), all_before);

  // An unknown peer.
  r = on(kAlpha, {"alert", "raise", "--to", "charlie", "--summary", "x", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "charlie")) << r.err;

  // Illegal transition: closing twice names the state and the action.
  ok(kAlpha, {"alert", "close", alert, "--as", "alice"});
  auto before = stable(show(kAlpha, "alert", alert));
  r = on(kAlpha, {"alert", "close", alert, "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "'closed'") && has(r.err, "'close'")) << r.err;
  EXPECT_EQ(stable(show(kAlpha, "alert", alert)), before);
  wait_state(kBravo, "alert", alert, "closed");
  before = stable(show(kBravo, "alert", alert));
  r = on(kBravo, {"alert", "ack", alert, "--as", "carol"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "'closed'") && has(r.err, "'acknowledge'")) << r.err;
  EXPECT_EQ(stable(show(kBravo, "alert", alert)), before);

  // A case action on an unknown case changes no case.
  auto cases_before = stable(list(kAlpha, "case", {"--all"}));
  r = on(kAlpha, {"case", "entry", "ffffffffffffffff", "--text", "x", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.err, "no case")) << r.err;
  r = on(kAlpha, {"case", "link", "ffffffffffffffff", "--as", "alice"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "--alert ID or --request ID")) << r.err;
  EXPECT_EQ(stable(list(kAlpha, "case", {"--all"})), cases_before);
}

}  // namespace desk_cli_test
}  // namespace hotline::it
