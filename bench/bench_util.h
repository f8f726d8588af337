// Small helpers shared by the benchmarks that report latencies and CPU use.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace hotline::bench {

// The p-quantile (0..1) of an ascending-sorted sample, nearest rank; 0 when
// the sample is empty.
inline double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto idx = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(idx, sorted.size() - 1)];
}

// CPU seconds (user + system) used by the whole process so far: in the
// benchmarks that is the nodes, their servers and the benchmark's own
// clients or producer together.
inline double process_cpu_s() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

}  // namespace hotline::bench
