// STIX 2.1 import: a bundle of 100,000 objects (indicators with patterns,
// their SCOs, based-on relationships, and objects kept as they are),
// read by interop::import_stix from a stream. The pure half of the
// end-to-end figure (docs/BENCHMARKS.md: < 10 s through the CLI into the
// store).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <sstream>
#include <string>

#include "hotline/interop/stix_import.h"

namespace {

std::string uuid_of(unsigned kind, unsigned i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012x", kind, i);
  return buf;
}

// 100,000 objects: per group of 5, an indicator, its ipv4-addr and
// domain-name SCOs, a based-on relationship, and a note (kept).
std::string bundle_of(unsigned objects) {
  std::string s = R"({"type":"bundle","id":"bundle--)" + uuid_of(0, 0) + R"(","objects":[)";
  const std::string times =
      R"("spec_version":"2.1","created":"2026-03-01T10:00:00.000Z","modified":"2026-03-01T10:00:00.000Z",)";
  for (unsigned i = 0; i < objects / 5; ++i) {
    const std::string ip = std::to_string(10 + i / 65536) + "." + std::to_string(i / 256 % 256) +
                           "." + std::to_string(i % 256) + ".7";
    const std::string domain = "host" + std::to_string(i) + ".evil.example";
    if (i > 0) s += ",";
    s += R"({"type":"indicator","id":"indicator--)" + uuid_of(1, i) + "\"," + times +
         R"("pattern":"[ipv4-addr:value = ')" + ip + R"(' OR domain-name:value = ')" + domain +
         R"(']","pattern_type":"stix","valid_from":"2026-02-01T00:00:00Z","confidence":80,)"
         R"("object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]},)";
    s += R"({"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--)" + uuid_of(2, i) +
         R"(","value":")" + ip + "\"},";
    s += R"({"type":"domain-name","spec_version":"2.1","id":"domain-name--)" + uuid_of(3, i) +
         R"(","value":")" + domain + "\"},";
    s += R"({"type":"relationship","id":"relationship--)" + uuid_of(4, i) + "\"," + times +
         R"("relationship_type":"based-on","source_ref":"indicator--)" + uuid_of(1, i) +
         R"(","target_ref":"ipv4-addr--)" + uuid_of(2, i) + "\"},";
    s +=
        R"({"type":"note","id":"note--)" + uuid_of(5, i) + "\"," + times +
        R"("content":"Seen beaconing every 60 s from the mail relay.","object_refs":["indicator--)" +
        uuid_of(1, i) + "\"]}";
  }
  return s + "]}";
}

void BM_StixImport(benchmark::State& state) {
  const auto objects = static_cast<unsigned>(state.range(0));
  const std::string text = bundle_of(objects);
  std::size_t indicators = 0;
  for (auto _ : state) {
    std::istringstream in(text);
    const hotline::interop::StixImport r = hotline::interop::import_stix(in);
    indicators = r.indicators.size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["objects"] = objects;
  state.counters["indicators"] = static_cast<double>(indicators);
  state.counters["bundle_MB"] = static_cast<double>(text.size()) / 1e6;
  state.counters["objects_per_s"] = benchmark::Counter(
      static_cast<double>(objects), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_StixImport)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
