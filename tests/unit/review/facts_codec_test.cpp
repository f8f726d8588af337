// The compact stored form of the review's facts: every member survives the
// round trip, the parties swap, and bytes that are not a whole version-1
// form are refused with review_facts_invalid.
#include "hotline/review/facts_codec.h"

#include <gtest/gtest.h>

#include "hotline/common/error.h"

namespace hotline::review {
namespace facts_codec_test {

ItemFacts full_item() {
  ItemFacts f;
  f.id = "0193a1b2-0000-7000-8000-000000000001";
  f.kind = "request.takedown";
  f.priority = "urgent";
  f.asker = Party::b;
  f.check = true;
  f.sent = Act{1767225600000, 7};
  f.received_at = 1767225600800;
  f.acknowledged = Act{1767225700000, 8};
  f.first_response = Act{1767225800000, 9};
  f.final_response = Act{1767225900000, 10};
  f.clarifications = {Clarification{Act{1, 2}, Act{3, 4}}, Clarification{Act{5, 6}, std::nullopt}};
  f.declined = Act{-5, 11};
  f.decline_reason = "outside_scope";
  f.withdrawn = Act{12, 12};
  f.closed = Act{13, 13};
  f.rating = RatingFact{4, 5, Act{13, 13}};
  f.escalations = {Act{14, 14}, Act{15, 15}};
  return f;
}

TEST(FactsCodec, AnItemSurvivesTheRoundTrip) {
  const ItemFacts f = full_item();
  const std::string bytes = encode(f);
  EXPECT_EQ(facts_tag(bytes), 'i');
  EXPECT_EQ(decode_item(bytes), f);
  ItemFacts bare;
  bare.id = "x";
  EXPECT_EQ(decode_item(encode(bare)), bare);
}

TEST(FactsCodec, ACaseSurvivesTheRoundTripAndPartiesSwap) {
  CaseFacts c;
  c.id = "case-1";
  c.opened_by = Party::a;
  c.opened = Act{100, 1};
  c.changes = {{Party::b, Act{200, 2}, true}, {Party::a, Act{300, 3}, false}};
  c.requests = {{Party::a, Act{150, 4}, "req-1"}};
  c.alerts = {{Party::b, Act{160, 5}, "alert-1"}};
  const std::string bytes = encode(c);
  EXPECT_EQ(facts_tag(bytes), 'c');
  CaseFacts back = decode_case(bytes);
  EXPECT_EQ(back, c);
  swap_parties(back);
  EXPECT_EQ(back.opened_by, Party::b);
  EXPECT_EQ(back.changes[0].by, Party::a);
  EXPECT_EQ(back.changes[1].by, Party::b);
  EXPECT_EQ(back.requests[0].by, Party::b);
  EXPECT_EQ(back.alerts[0].by, Party::a);
  ItemFacts f = full_item();
  swap_parties(f);
  EXPECT_EQ(f.asker, Party::a);
}

TEST(FactsCodec, BytesThatAreNotAWholeFormAreRefused) {
  const std::string bytes = encode(full_item());
  auto code_of = [](auto&& fn) {
    try {
      fn();
    } catch (const Error& e) {
      return e.code();
    }
    return std::string("none");
  };
  EXPECT_EQ(code_of([&] { decode_item(bytes.substr(0, bytes.size() - 1)); }),
            "review_facts_invalid");
  EXPECT_EQ(code_of([&] { decode_item(bytes + "z"); }), "review_facts_invalid");
  EXPECT_EQ(code_of([&] { decode_case(bytes); }), "review_facts_invalid");
  EXPECT_EQ(code_of([&] { facts_tag(std::string("\x02i", 2)); }), "review_facts_invalid");
  EXPECT_EQ(code_of([&] { facts_tag(""); }), "review_facts_invalid");
}

}  // namespace facts_codec_test
}  // namespace hotline::review
