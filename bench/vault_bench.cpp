// Attachment vault throughput on one attachment of kDefaultMaxSize
// (100 MiB) of random bytes, in a fresh folder under the system temporary
// folder (a real disk: fsync costs are included):
//   ImportFile   import_file(): hash pass + encrypt pass + fsync + rename
//   ReadChunks   read_chunk() of every chunk (header unwrap per call)
//   ExportTo     export_to(): decrypt, SHA-256 check, fsync, rename
//   Receive      begin_receive() + append_chunk() per chunk (one fsync per
//                chunk) + the final decrypt-and-hash check
// Bytes/s counts plaintext bytes.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "hotline/crypto/random.h"
#include "hotline/vault/vault.h"

namespace {

namespace fs = std::filesystem;
using hotline::vault::Info;
using hotline::vault::kChunkSize;
using hotline::vault::kDefaultMaxSize;
using hotline::vault::Vault;

// A fresh folder with a 100 MiB source file and a vault, removed afterwards.
class BenchDir {
 public:
  BenchDir() {
    std::string tmpl = (fs::temp_directory_path() / "hotline-vault-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    std::ofstream(source(), std::ios::binary) << payload();
  }
  ~BenchDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  BenchDir(const BenchDir&) = delete;
  BenchDir& operator=(const BenchDir&) = delete;

  static const std::string& payload() {
    static const std::string p = [] {
      std::string s(static_cast<std::size_t>(kDefaultMaxSize), '\0');
      hotline::crypto::random_bytes(
          {reinterpret_cast<std::uint8_t*>(s.data()), static_cast<std::size_t>(s.size())});
      return s;
    }();
    return p;
  }
  fs::path source() const { return dir_ / "source.bin"; }
  fs::path vault_dir() const { return dir_ / "attachments"; }
  fs::path out() const { return dir_ / "export.bin"; }

 private:
  fs::path dir_;
};

void set_bytes(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * kDefaultMaxSize);
}

void BM_ImportFile(benchmark::State& state) {
  BenchDir d;
  Vault v(d.vault_dir());
  for (auto _ : state) {
    const Info i = v.import_file(d.source());
    state.PauseTiming();
    fs::remove(d.vault_dir() / (i.sha256 + ".att"));  // so the next one is not a no-op
    state.ResumeTiming();
  }
  set_bytes(state);
}
BENCHMARK(BM_ImportFile)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

void BM_ReadChunks(benchmark::State& state) {
  BenchDir d;
  Vault v(d.vault_dir());
  const Info i = v.import_file(d.source());
  for (auto _ : state) {
    for (std::int64_t off = 0; off < i.size; off += kChunkSize) {
      benchmark::DoNotOptimize(v.read_chunk(i.sha256, off));
    }
  }
  set_bytes(state);
}
BENCHMARK(BM_ReadChunks)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

void BM_ExportTo(benchmark::State& state) {
  BenchDir d;
  Vault v(d.vault_dir());
  const Info i = v.import_file(d.source());
  for (auto _ : state) v.export_to(i.sha256, d.out());
  set_bytes(state);
}
BENCHMARK(BM_ExportTo)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

void BM_Receive(benchmark::State& state) {
  BenchDir d;
  Vault v(d.vault_dir());
  const std::string& p = BenchDir::payload();
  const Info want = v.import_bytes(p);
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove(d.vault_dir() / (want.sha256 + ".att"));
    state.ResumeTiming();
    Info i = v.begin_receive(want.sha256, want.size);
    while (!i.complete) {
      i = v.append_chunk(want.sha256, i.have,
                         std::string_view(p).substr(static_cast<std::size_t>(i.have),
                                                    static_cast<std::size_t>(kChunkSize)));
    }
  }
  set_bytes(state);
}
BENCHMARK(BM_Receive)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
