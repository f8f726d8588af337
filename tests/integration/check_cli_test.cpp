// Communication checks between two real nodes through the CLI: alpha sends
// a check, bravo's desk sees it and a person acknowledges it, and both
// sides list the result, answered in time.
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_output.h"
#include "link_harness.h"

namespace hotline::it {
namespace check_cli_test {

using nlohmann::json;

class CheckCli : public TwoNodes {
 protected:
  // Waits (bounded) until `check list` on `s` shows `text`.
  std::string wait_list(Side s, const std::string& text) {
    std::string out;
    for (int i = 0; i < 200; ++i) {
      out = ok(s, {"check", "list"});
      if (has(out, text)) return out;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "check list on " << nodes_[s].name << " never showed '" << text << "':\n"
                  << out;
    return out;
  }
};

TEST_F(CheckCli, ACheckIsSentAcknowledgedAndListedOnBothSides) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  EXPECT_TRUE(has(ok(kAlpha, {"check", "list"}), "No communication checks.")) << "before any";

  auto out = ok(kAlpha, {"check", "send", "--to", "bravo", "--as", "alice"});
  EXPECT_TRUE(has(out, "sent to bravo")) << out;
  EXPECT_TRUE(has(out, "(acknowledge within 15 min)")) << out;
  const std::string check = id_in(out);
  ASSERT_EQ(check.size(), 8u) << out;

  // bravo's desk sees an urgent alert marked as a check, waiting for a person.
  auto listed = wait_list(kBravo, check);
  EXPECT_TRUE(has(listed, "from alpha") && has(listed, "waiting, due")) << listed;
  auto r = on(kBravo, {"alert", "show", check, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json doc = json::parse(r.out);
  EXPECT_EQ(doc.value("check", false), true) << doc.dump(2);
  EXPECT_EQ(doc.value("priority", ""), "urgent");
  EXPECT_EQ(doc["labels"].value("tlp", ""), "TLP:CLEAR");

  // A person acknowledges it; both sides list it answered in time, by whom.
  ok(kBravo, {"alert", "ack", check, "--as", "carol"});
  EXPECT_TRUE(has(wait_list(kAlpha, "answered in time by carol"), check));
  EXPECT_TRUE(has(wait_list(kBravo, "answered in time by carol"), "from alpha"));

  // An ordinary alert is not a check.
  out = ok(kAlpha, {"alert", "raise", "--to", "bravo", "--summary", "Scan", "--as", "alice"});
  const std::string plain = id_in(out);
  EXPECT_FALSE(has(ok(kAlpha, {"check", "list"}), plain));

  // Bad input: an unknown peer is refused, and nothing is sent.
  r = on(kAlpha, {"check", "send", "--to", "nobody", "--as", "alice"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(has(r.err, "nobody")) << r.err;
}

}  // namespace check_cli_test
}  // namespace hotline::it
