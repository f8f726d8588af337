// common/metrics.h: the exposition format's escaping and number forms,
// histogram buckets, and the registry's output.
#include "hotline/common/metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace metrics_test {
namespace {

using namespace hotline::metrics;

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label_value("plain"), "plain");
  EXPECT_EQ(escape_label_value("a\"b"), "a\\\"b");
  EXPECT_EQ(escape_label_value("a\\b"), "a\\\\b");
  EXPECT_EQ(escape_label_value("line\nbreak"), "line\\nbreak");
  EXPECT_EQ(escape_label_value("北京"), "北京");
  // Not UTF-8: each bad byte becomes U+FFFD, nothing raw gets through.
  EXPECT_EQ(escape_label_value("x\xff\xfey"), "x\xEF\xBF\xBD\xEF\xBF\xBDy");
  EXPECT_EQ(escape_label_value("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
}

TEST(Metrics, ValuesInTheFormatsForms) {
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(0.0001), "0.0001");
  EXPECT_EQ(format_value(1e-05), "1e-05");
  EXPECT_EQ(format_value(1796699253.08), "1796699253.08");
  EXPECT_EQ(format_value(1.0 / 0.0), "+Inf");
}

TEST(Metrics, SampleLineWithLabels) {
  std::string out;
  write_sample(out, "hotline_link_up", {{"peer", "Ops \"B\""}, {"x", "1"}}, 1);
  EXPECT_EQ(out, "hotline_link_up{peer=\"Ops \\\"B\\\"\",x=\"1\"} 1\n");
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Histogram h({0.1, 1, 10});
  for (double v : {0.05, 0.1, 0.5, 5.0, 50.0}) h.observe(v);
  auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2, 3, 4, 5}));  // le is inclusive
  EXPECT_DOUBLE_EQ(s.sum, 55.65);
  std::string out;
  write_histogram(out, "t_seconds", {{"k", "v"}}, h.bounds(), s);
  EXPECT_NE(out.find("t_seconds_bucket{k=\"v\",le=\"0.1\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("t_seconds_bucket{k=\"v\",le=\"+Inf\"} 5\n"), std::string::npos) << out;
  EXPECT_NE(out.find("t_seconds_count{k=\"v\"} 5\n"), std::string::npos) << out;
}

TEST(Metrics, RegistryKeepsOneMetricPerLabelsAndCountsFromThreads) {
  Registry& r = Registry::global();
  Counter& a = r.counter("metrics_test_things_total", "Things", {{"kind", "a"}});
  EXPECT_EQ(&a, &r.counter("metrics_test_things_total", "Things", {{"kind", "a"}}));
  EXPECT_NE(&a, &r.counter("metrics_test_things_total", "Things", {{"kind", "b"}}));
  EXPECT_THROW(r.gauge("metrics_test_things_total", "Things"), std::logic_error);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&a] {
      for (int i = 0; i < 10000; ++i) a.inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(a.value(), 40000u);
  std::string out;
  r.write(out);
  EXPECT_NE(out.find("# HELP metrics_test_things_total Things\n# TYPE metrics_test_things_total "
                     "counter\nmetrics_test_things_total{kind=\"a\"} 40000\n"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace metrics_test
