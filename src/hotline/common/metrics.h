// Prometheus metrics of this process: counters, gauges and histograms that
// the code bumps with atomics, and the process-wide registry that writes them
// in the text exposition format 0.0.4 (the operators' GET /metrics,
// api/routes_metrics.cpp; docs/operations.md, "Metrics").
//
// Ownership and threads: Registry::global() lives until the process ends and
// every metric it hands out stays at its address until then, so a caller
// looks a metric up once and keeps the reference. Counter, Gauge and
// Histogram updates are lock-free atomics, safe from any thread. The lookups
// (counter(), gauge(), histogram()) and write() take the registry's mutex:
// never look a metric up per event on a hot path.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hotline::metrics {

// Label names and values, in the order they are written.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void add(std::int64_t delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Observations counted in buckets by upper bound (le); +Inf is implied.
class Histogram {
 public:
  // `bounds`: ascending, finite.
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (= count)
    double sum = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, not cumulative
  std::atomic<double> sum_{0};
};

// Seconds: an HTTP request (1 ms .. 10 s).
const std::vector<double>& request_seconds_buckets();
// Seconds: a store transaction (100 µs .. 5 s).
const std::vector<double>& transaction_seconds_buckets();
// Seconds: an envelope from queued to receipted (10 ms .. 1 day: a link
// that was down for hours delivers its queue late).
const std::vector<double>& delivery_seconds_buckets();

class Registry {
 public:
  static Registry& global();

  // The metric of `name` with these label values, made on first use. The
  // same name always has the same type and help (the first call's).
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       const std::vector<double>& bounds, const Labels& labels = {});

  // Appends every family, by name, in the exposition format.
  void write(std::string& out) const;

 private:
  struct Family {
    std::string help;
    std::string type;  // "counter", "gauge", "histogram"
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name, const std::string& help, const char* type);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

// Writing the exposition format by hand (for values read at scrape time).

// "# HELP name help" and "# TYPE name type" lines (help escaped).
void write_header(std::string& out, std::string_view name, std::string_view help,
                  std::string_view type);
// One sample line: name{a="x",b="y"} value.
void write_sample(std::string& out, std::string_view name, const Labels& labels, double value);
// A histogram's _bucket, _sum and _count lines.
void write_histogram(std::string& out, std::string_view name, const Labels& labels,
                     const std::vector<double>& bounds, const Histogram::Snapshot& s);
// A label value as the format wants it: backslash, double quote and line
// feed escaped (\\, \", \n); bytes that are not UTF-8 become U+FFFD.
std::string escape_label_value(std::string_view value);
// 3, 0.25, 0.0001, 1e-05, +Inf, NaN.
std::string format_value(double value);

// Measures from construction to destruction into a histogram, in seconds.
class Timer {
 public:
  explicit Timer(Histogram& h);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

 private:
  Histogram& histogram_;
  std::int64_t start_ns_;
};

// Steady-clock nanoseconds, for Timer and callers that measure themselves.
std::int64_t steady_ns();

}  // namespace hotline::metrics
