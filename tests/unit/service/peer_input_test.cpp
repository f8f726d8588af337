// What a peer sends, checked on our side: a desk message is held to the
// sender's rule (service::check_desk_message_text), on both sides.
#include <gtest/gtest.h>

#include <string>

#include <filesystem>

#include "hotline/common/error.h"
#include "hotline/crypto/random.h"
#include "hotline/service/link_service.h"
#include "hotline/service/node_dir.h"

namespace hotline::service {
namespace peer_input_test {

std::string code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "";
}

TEST(PeerInput, DeskMessageRuleIsTheSendersRule) {
  EXPECT_EQ(code_of([] { check_desk_message_text("two lines\n\tand a tab"); }), "");
  EXPECT_EQ(code_of([] { check_desk_message_text(""); }), "message_empty");
  EXPECT_EQ(code_of([] { check_desk_message_text(std::string(kMaxDeskMessageBytes + 1, 'a')); }),
            "message_too_long");
  EXPECT_EQ(code_of([] { check_desk_message_text("\x1b]0;owned\a"); }), "message_invalid");
  EXPECT_EQ(code_of([] { check_desk_message_text("fake\r[INFO] ok"); }), "message_invalid");
}

// On arrival: a peer's desk message that breaks the rule is refused by the
// apply step (the envelope is still stored and receipted by the receiver;
// node::apply_inbound turns the refusal into an envelope_content_refused
// event) and never listed.
TEST(PeerInput, ArrivingDeskMessagesAreHeldToTheSendersRule) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("hotline-peer-input-" + crypto::new_id());
  init_node(dir, "Bravo");
  {
    Node node = open_node(dir);
    auto alpha = crypto::KeyPair::generate();
    link::LinkContext ctx{node.identity, alpha.public_key(), "alpha"};
    for (const std::string& text :
         {std::string("\x1b]0;owned\a\x1b[2J"), std::string("fake\r[INFO] all clear"),
          std::string("bidi \xe2\x80\xae"), std::string(kMaxDeskMessageBytes + 1, 'a')}) {
      link::Envelope e;
      e.id = crypto::new_id();
      e.seq = 1;
      e.type = kDeskMessage;
      e.body = {{"text", text}};
      const std::string code = code_of([&] {
        node.store->transact([&](store::Transaction& tx) {
          apply_desk_message(tx, ctx, e, "2026-12-07T03:00:00.000Z");
        });
      });
      EXPECT_TRUE(code == "message_invalid" || code == "message_too_long")
          << "a desk message of " << text.size() << " bytes that breaks the rule was taken ("
          << code << ")";
    }
  }
  fs::remove_all(dir);
}

}  // namespace peer_input_test
}  // namespace hotline::service
