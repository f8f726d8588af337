// The review report's pure part: ReportBuilder over 1,000,000 requests (and
// 20,000 alerts) of one link in both directions, every kind and priority of
// the default matrix (office-hours rows for information and assistance
// requests, 24/7 for the rest), 2 % with a clarification pause, acts beyond
// the cut, declines, withdrawals and ratings. The facts are made on the fly
// (not kept), so the memory figure is the builder's. Target (issue 18): the
// whole report for 1,000,000 requests <= 1 s and <= 200 MB; this is the part
// after the store has read the facts (the store part is measured apart).

#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>

#include <benchmark/benchmark.h>

#include "hotline/common/time.h"
#include "hotline/model/agreement.h"
#include "hotline/model/time_zone.h"
#include "hotline/review/report.h"
#include "unit/review/review_fixture.h"

namespace {

using namespace hotline;
using review::Act;
using review::ItemFacts;
using review::Millis;

constexpr Millis kMin = 60000;

std::uint64_t splitmix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

model::Party party(const char* name, const char* key, const char* tz) {
  auto p = hotline::review::review_fixture::party(name, key, tz);
  p.office_hours.holidays = {"2026-05-01", "2026-10-01", "2026-12-25"};
  return p;
}

review::ReviewContext make_context() {
  review::ReviewContext c;
  c.link = "0123456789abcdef0123456789abcdef";
  c.from = parse_timestamp("2026-01-01T00:00:00.000Z").time_since_epoch().count();
  c.to = parse_timestamp("2027-01-01T00:00:00.000Z").time_since_epoch().count();
  c.cut = {990000, 990000};
  c.tzdb = model::tzdb_version();
  using hotline::review::review_fixture::kKeyA, hotline::review::review_fixture::kKeyB;
  auto ag = model::default_agreement(party("alpha", kKeyA, "Europe/Paris"),
                                     party("bravo", kKeyB, "Asia/Shanghai"), c.link,
                                     "2025-01-01T00:00:00.000Z");
  c.agreements.push_back({std::string(64, 'a'), 0, ag});
  for (const char* tz : {"Europe/Paris", "Asia/Shanghai"})
    c.zones.emplace(tz, hotline::review::review_fixture::zone(tz));
  return c;
}

// The i-th item: received in the previous or the current year.
void make_item(ItemFacts& f, std::uint64_t i, Millis from, Millis span, std::uint64_t& rng) {
  const std::uint64_t r = splitmix(rng);
  const bool alert = i % 50 == 0;
  f.id = "0193f0a2-7c4e-7000-8000-" + std::to_string(1000000000000 + i);
  f.kind = alert ? "alert" : std::string(model::kKinds[1 + r % 4]);
  f.priority = (r >> 3) % 4 == 0 ? "urgent" : "normal";
  f.asker = (r >> 5) & 1 ? review::Party::a : review::Party::b;
  f.check = alert && (r >> 6) % 10 == 0;
  const Millis received = from + static_cast<Millis>((r >> 8) % static_cast<std::uint64_t>(span));
  const auto seq = static_cast<std::int64_t>(i);
  f.sent = Act{received - 800, seq};
  f.received_at = received;
  const std::uint64_t r2 = splitmix(rng);
  const Millis ack = received + static_cast<Millis>(r2 % (180 * kMin));
  f.acknowledged = Act{ack, seq};
  f.first_response.reset();
  f.final_response.reset();
  f.declined.reset();
  f.withdrawn.reset();
  f.rating.reset();
  f.clarifications.clear();
  f.escalations.clear();
  if ((r2 >> 20) % 50 == 0)
    f.clarifications.push_back({Act{ack + 10 * kMin, seq}, Act{ack + 600 * kMin, seq}});
  const std::uint64_t fate = (r2 >> 30) % 100;
  const Millis answer = ack + static_cast<Millis>((r2 >> 40) % (4000 * kMin));
  if (fate < 80) {
    f.first_response = f.final_response = Act{answer, fate < 2 ? 995000 : seq};  // beyond the cut
    if (fate % 3 == 0)
      f.rating =
          review::RatingFact{1 + int(r2 % 5), 1 + int((r2 >> 4) % 5), Act{answer + kMin, seq}};
  } else if (fate < 85) {
    f.declined = Act{answer, seq};
    f.decline_reason = "outside_scope";
  } else if (fate < 88) {
    f.withdrawn = Act{answer, seq};
  }
  if (alert && fate % 7 == 0) f.escalations.push_back(Act{received + 10 * kMin, seq});
}

// Adds n generated items, made one at a time and not kept.
void add_items(review::ReportBuilder& builder, const review::ReviewContext& context,
               std::uint64_t n) {
  std::uint64_t rng = 42;
  ItemFacts f;
  const Millis span = context.to - context.from;
  for (std::uint64_t i = 0; i < n; ++i) {
    make_item(f, i, context.from - span, 2 * span, rng);
    builder.add(f);
  }
}

long rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

void BM_ReviewReport(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const auto context = make_context();
  const long rss_before = rss_kb();
  std::size_t body_bytes = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    review::ReportBuilder builder(context);
    add_items(builder, context, n);
    const auto body = builder.body();
    body_bytes = body.dump().size();
    const auto t1 = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
  }
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  state.counters["items"] = static_cast<double>(n);
  state.counters["peak_rss_MB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
  state.counters["rss_before_MB"] = static_cast<double>(rss_before) / 1024.0;
  state.counters["body_bytes"] = static_cast<double>(body_bytes);
}
BENCHMARK(BM_ReviewReport)
    ->Arg(1000000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// The same with the judgements kept (for `explain` and the report file's
// judgements), over fewer items: what keeping them costs per item. Runs
// after BM_ReviewReport so that its memory does not enter that peak.
void BM_ReviewJudgements(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  const auto context = make_context();
  const long rss_before = rss_kb();
  long rss_after = rss_before;
  std::size_t kept = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    review::ReportBuilder builder(context, true);
    add_items(builder, context, n);
    benchmark::DoNotOptimize(builder.body());
    const auto judgements = builder.judgements();
    kept = judgements.size();
    const auto t1 = std::chrono::steady_clock::now();
    rss_after = rss_kb();
    state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
  }
  state.counters["judgements"] = static_cast<double>(kept);
  state.counters["bytes_per_judgement"] =
      kept ? static_cast<double>(rss_after - rss_before) * 1024.0 / static_cast<double>(kept) : 0;
}
BENCHMARK(BM_ReviewJudgements)
    ->Arg(100000)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
