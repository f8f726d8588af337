#include <gtest/gtest.h>

#include "hotline/common/error.h"
#include "review_fixture.h"

namespace hotline::review {
namespace smoke_test {

using namespace review_fixture;

TEST(ReviewSmoke, OneAnsweredRequestMakesABody) {
  ReportBuilder builder(context(ms("2026-03-01T00:00:00.000Z"), ms("2026-04-01T00:00:00.000Z")));
  ItemFacts item;
  item.id = "r1";
  item.kind = "request.preservation";
  item.priority = "urgent";
  item.sent = act(ms("2026-03-02T09:00:00.000Z"), 1);
  item.received_at = ms("2026-03-02T09:00:01.000Z");
  item.acknowledged = act(ms("2026-03-02T09:30:00.000Z"), 1);
  item.final_response = act(ms("2026-03-02T12:00:00.000Z"), 2);
  builder.add(item);
  const auto body = builder.body();
  EXPECT_EQ(body["format"], "hotline.review/1");
  ASSERT_EQ(body["directions"][0]["requests"].size(), 1u);
  const auto& cur = body["directions"][0]["requests"][0]["current"];
  EXPECT_EQ(cur["received"], 1);
  EXPECT_EQ(cur["acknowledge"]["on_time"], 1);
  EXPECT_EQ(cur["final_response"]["on_time"], 1);
  EXPECT_EQ(cur["time_to_acknowledge"]["median_s"], 1799);
}

TEST(ReviewSmoke, RejectsAnEmptyPeriod) {
  auto c = context(ms("2026-03-01T00:00:00.000Z"), ms("2026-03-01T00:00:00.000Z"));
  try {
    ReportBuilder builder(c);
    ADD_FAILURE() << "expected review_invalid";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "review_invalid");
  }
}

}  // namespace smoke_test
}  // namespace hotline::review
