#include "hotline/api/http_metrics.h"

#include <array>
#include <string_view>

namespace hotline::api {
namespace {

constexpr std::array<std::string_view, 7> kMethods = {"GET",   "HEAD",   "POST",   "PUT",
                                                      "PATCH", "DELETE", "OPTIONS"};
constexpr int kStatuses = 500;  // 100..599

constexpr const char* kRequests = "hotline_http_requests_total";
constexpr const char* kRequestsHelp =
    "Requests to the operators' API answered by this process, by method, route template and "
    "status";
constexpr const char* kSeconds = "hotline_http_request_duration_seconds";
constexpr const char* kSecondsHelp =
    "Time to answer a request to the operators' API (an event stream: until it opened)";

}  // namespace

HttpMetrics::HttpMetrics(const std::vector<Route>& routes) {
  auto make = [](std::string method, std::string pattern) {
    auto p = std::make_unique<PerRoute>();
    p->method = std::move(method);
    p->pattern = std::move(pattern);
    p->by_status = std::make_unique<std::atomic<metrics::Counter*>[]>(kStatuses);
    return p;
  };
  for (const auto& r : routes) routes_.push_back(make(r.method, r.pattern));
  for (auto m : kMethods) unmatched_.push_back(make(std::string(m), "unmatched"));
  unmatched_.push_back(make("other", "unmatched"));
}

HttpMetrics::PerRoute& HttpMetrics::entry(std::size_t route, const std::string& method) {
  if (route < routes_.size()) return *routes_[route];
  for (std::size_t i = 0; i < kMethods.size(); ++i) {
    if (method == kMethods[i]) return *unmatched_[i];
  }
  return *unmatched_.back();
}

// The registry hands out the same metric for the same labels, so two threads
// racing to fill a slot store the same pointer.
void HttpMetrics::record(std::size_t route, const std::string& method, int status, double seconds) {
  PerRoute& p = entry(route, method);
  metrics::Histogram* h = p.seconds.load(std::memory_order_acquire);
  if (!h) {
    h = &metrics::Registry::global().histogram(kSeconds, kSecondsHelp,
                                               metrics::request_seconds_buckets(),
                                               {{"method", p.method}, {"route", p.pattern}});
    p.seconds.store(h, std::memory_order_release);
  }
  h->observe(seconds);
  if (status < 100 || status > 599) status = 599;
  auto& slot = p.by_status[status - 100];
  metrics::Counter* c = slot.load(std::memory_order_acquire);
  if (!c) {
    c = &metrics::Registry::global().counter(
        kRequests, kRequestsHelp,
        {{"method", p.method}, {"route", p.pattern}, {"status", std::to_string(status)}});
    slot.store(c, std::memory_order_release);
  }
  c->inc();
}

}  // namespace hotline::api
