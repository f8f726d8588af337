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

TEST(ReviewSmoke, ABrokenBodyOrJudgementFromElsewhereIsHandledNotTrusted) {
  const Judgement j{"x", "a_to_b/requests/request.information/normal", "current",
                    nlohmann::json::object()};
  for (const char* path :
       {"/directions/0/requests/0/current/received", "/cases/list/0", "/directions/x", "",
        "/directions/0/requests/0/current/ratings/"
        "completeness/distribution/zz"})
    EXPECT_FALSE(explains(nlohmann::json::object(), j, path)) << path;
  EXPECT_NE(describe(j, nlohmann::json::array()).find("request x"), std::string::npos);
  const Judgement odd{"x", j.group, "current", {{"final_response", {{"status", 3}}}}};
  const auto diffs = compare_judgements({j}, {odd}, nullptr, "alpha", "bravo");
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].field, "final_response");
}

}  // namespace smoke_test
}  // namespace hotline::review
