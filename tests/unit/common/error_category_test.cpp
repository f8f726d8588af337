#include "hotline/common/error_category.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "hotline/common/error.h"

namespace hotline {
namespace error_category_test {

using C = ErrorCategory;

const std::vector<C> kAll = {
    C::invalid_input, C::unauthenticated,        C::forbidden,   C::not_found, C::conflict,
    C::too_large,     C::unsupported_media_type, C::unavailable, C::internal,  C::usage};

// The statuses and exit codes the API and the CLI document
// (docs/http-api.md "Errors", `hotline --help`).
TEST(ErrorCategory, HttpStatusOfEachCategory) {
  EXPECT_EQ(http_status(C::invalid_input), 400);
  EXPECT_EQ(http_status(C::unauthenticated), 401);
  EXPECT_EQ(http_status(C::forbidden), 403);
  EXPECT_EQ(http_status(C::not_found), 404);
  EXPECT_EQ(http_status(C::conflict), 409);
  EXPECT_EQ(http_status(C::too_large), 413);
  EXPECT_EQ(http_status(C::unsupported_media_type), 415);
  EXPECT_EQ(http_status(C::unavailable), 503);
  EXPECT_EQ(http_status(C::internal), 500);
  EXPECT_EQ(http_status(C::usage), 400);
}

TEST(ErrorCategory, ExitCodeIsTwoForUsageAndOneOtherwise) {
  for (C c : kAll) {
    SCOPED_TRACE(std::string(category_name(c)));
    EXPECT_EQ(exit_code(c), c == C::usage ? 2 : 1);
  }
}

TEST(ErrorCategory, StatusReadsBackAsItsCategory) {
  for (C c : kAll) {
    if (c == C::usage) continue;  // 400 reads as invalid_input
    EXPECT_EQ(category_for_status(http_status(c)), c) << category_name(c);
  }
  EXPECT_EQ(category_for_status(400), C::invalid_input);
  EXPECT_EQ(category_for_status(429), C::invalid_input);
  EXPECT_EQ(category_for_status(502), C::internal);
}

TEST(ErrorCategory, NamesAreDistinctAndSnakeCase) {
  std::set<std::string_view> names;
  for (C c : kAll) names.insert(category_name(c));
  EXPECT_EQ(names.size(), kAll.size());
  EXPECT_TRUE(names.count("not_found"));
  EXPECT_TRUE(names.count("unsupported_media_type"));
}

TEST(ErrorCategory, ErrorCarriesCategoryCodeAndMessage) {
  const Error e(C::not_found, "item_unknown", "no alert 1234");
  EXPECT_EQ(e.category(), C::not_found);
  EXPECT_EQ(e.code(), "item_unknown");
  EXPECT_STREQ(e.what(), "no alert 1234");
}

}  // namespace error_category_test
}  // namespace hotline
