// The operators' API's own metrics (docs/operations.md, "Metrics"):
// requests by method, route template and status, and their latency by
// method and route. The route label is the route's pattern
// ("/v1/alerts/{id}"), never the path asked for: no item id, no peer name,
// nothing a caller typed. A request no route matches counts as route
// "unmatched", its method as one of the HTTP methods or "other".
//
// Ownership and threads: the OperatorApi owns it, built once from its
// route table; record() is lock-free after a (route, status) pair's first
// use and may be called from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "hotline/api/api_call.h"
#include "hotline/common/metrics.h"

namespace hotline::api {

class HttpMetrics {
 public:
  static constexpr std::size_t kNoRoute = static_cast<std::size_t>(-1);

  explicit HttpMetrics(const std::vector<Route>& routes);

  // `route`: the index of the route in the table, or kNoRoute.
  void record(std::size_t route, const std::string& method, int status, double seconds);

 private:
  struct PerRoute {
    std::string method, pattern;
    // Made on first use, so that a scrape shows the routes that were asked.
    std::atomic<metrics::Histogram*> seconds{nullptr};
    // By status - 100 (100..599), made on first use.
    std::unique_ptr<std::atomic<metrics::Counter*>[]> by_status;
  };
  PerRoute& entry(std::size_t route, const std::string& method);

  std::vector<std::unique_ptr<PerRoute>> routes_;     // one per route
  std::vector<std::unique_ptr<PerRoute>> unmatched_;  // per method of kMethods, then "other"
};

}  // namespace hotline::api
