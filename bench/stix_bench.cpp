// STIX 2.1 import: a bundle of 100,000 objects (indicators with patterns,
// their SCOs, based-on relationships, and objects kept as they are).
//   BM_StixImport     read by interop::import_stix from a stream (the pure
//                     part)
//   BM_StixImportCli  end to end: `hotline case import --format stix --case
//                     ID FILE` (the real binary, a child process) into a
//                     fresh case of a real node (SQLite, NORMAL), streamed
//                     from the file: read, checked, the add_indicators
//                     envelopes signed and queued, the case and its
//                     indicator index written (docs/BENCHMARKS.md target:
//                     < 10 s). Delivery to the peer is not counted (the
//                     peer is not running).
//   BM_StixImportStore the same in process (service::import_case_stix), for
//                     profiles.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "hotline/common/time.h"
#include "hotline/crypto/random.h"
#include "hotline/interop/stix_import.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/link_service.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/stix_service.h"
#include "support/process.h"

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

// A node "Alpha" with its peer "bravo" (whose node is made only for its
// key) in a scratch folder, and the bundle written beside it.
struct Scratch {
  std::filesystem::path dir, node, file;
  std::size_t bytes = 0;
  explicit Scratch(unsigned objects) {
    dir = std::filesystem::temp_directory_path() /
          ("hotline-stix-bench-" + hotline::crypto::new_id());
    node = dir / "a";
    hotline::service::init_node(node, "Alpha");
    hotline::service::init_node(dir / "b", "Bravo");
    const std::string key = hotline::service::open_node(dir / "b").identity.public_key().encoded();
    auto a = hotline::service::open_node(node);
    hotline::service::add_peer(a, "bravo", "https://127.0.0.1:1", key, hotline::now_ms());
    file = dir / "bundle.json";
    const std::string text = bundle_of(objects);
    bytes = text.size();
    std::ofstream(file, std::ios::binary) << text;
  }
  ~Scratch() { std::filesystem::remove_all(dir); }
  // A new, empty case with bravo.
  std::string new_case() const {
    auto a = hotline::service::open_node(node);
    return hotline::service::open_case(a, "bravo", "STIX feed", {}, "alice", hotline::now_ms())
        .record.id;
  }
};

double children_cpu_s() {
  rusage ru{};
  ::getrusage(RUSAGE_CHILDREN, &ru);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

void BM_StixImportCli(benchmark::State& state) {
  const auto objects = static_cast<unsigned>(state.range(0));
  Scratch scratch(objects);
  double cpu = 0;
  std::string summary;
  for (auto _ : state) {
    const std::string id = scratch.new_case();
    const double cpu0 = children_cpu_s();
    const auto t0 = std::chrono::steady_clock::now();
    auto r = hotline::testing::run(
        {HOTLINE_BIN, "case", "import", scratch.file.string(), "--format", "stix", "--case", id,
         "--dir", scratch.node.string(), "--as", "alice"},
        scratch.dir / "cli", std::chrono::minutes(10));
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - t0;
    if (r.exit_code != 0) {
      state.SkipWithError(("hotline case import failed: " + r.err).c_str());
      return;
    }
    state.SetIterationTime(took.count());
    cpu = children_cpu_s() - cpu0;
    summary = r.out;
  }
  rusage ru{};
  ::getrusage(RUSAGE_CHILDREN, &ru);
  state.counters["objects"] = objects;
  state.counters["bundle_MB"] = static_cast<double>(scratch.bytes) / 1e6;
  state.counters["cpu_s"] = cpu;
  state.counters["peak_rss_MB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;  // KiB on Linux
  state.SetLabel(summary.substr(0, summary.find('\n')));
}
BENCHMARK(BM_StixImportCli)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(1);

void BM_StixImportStore(benchmark::State& state) {
  const auto objects = static_cast<unsigned>(state.range(0));
  Scratch scratch(objects);
  for (auto _ : state) {
    state.PauseTiming();
    const std::string id = scratch.new_case();
    auto node = hotline::service::open_node(scratch.node);
    state.ResumeTiming();
    std::ifstream in(scratch.file, std::ios::binary);
    auto r = hotline::service::import_case_stix(node, id, in, "alice", hotline::now_ms());
    benchmark::DoNotOptimize(r);
    state.counters["envelopes"] = static_cast<double>(r.envelopes);
    state.counters["indicators"] = static_cast<double>(r.added);
  }
}
BENCHMARK(BM_StixImportStore)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
