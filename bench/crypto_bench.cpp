// Benchmarks of the crypto part on a realistic ~1 KiB envelope: the work a
// node does per message sent (canonicalize, sign, hash) and received (parse,
// verify, hash).

#include <string>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/crypto/sha256.h"

namespace {

using hotline::crypto::canonicalize;
using hotline::crypto::KeyPair;
using hotline::crypto::parse_strict;

const nlohmann::json& envelope() {
  static const nlohmann::json e = [] {
    nlohmann::json body = {
        {"kind", "information"},
        {"priority", "high"},
        {"tlp", "AMBER"},
        {"title", "Credential-stuffing traffic against the national tax portal"},
        {"text",
         "Since 04:10 UTC we observe ~12k login attempts per minute against "
         "login.tax.example from addresses announced by AS64500 in your "
         "jurisdiction. Please identify the customers behind the listed "
         "addresses and preserve subscriber data and connection logs for 90 "
         "days. Sample lines are attached; times are UTC. Bitte bestätigen."},
        {"offences", {"art2-illegal-access", "art7-computer-related-forgery"}},
        {"indicators",
         {{{"type", "ipv4-addr"}, {"value", "198.51.100.23"}, {"first_seen", 1795772689123}},
          {{"type", "ipv4-addr"}, {"value", "198.51.100.77"}, {"first_seen", 1795772702000}},
          {{"type", "domain-name"}, {"value", "cdn-login-tax.example"}}}},
        {"case", "0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b"},
    };
    return nlohmann::json{
        {"v", 1},
        {"id", "0193a1b2-7c3d-7e4f-9a9b-0c1d2e3f4a5c"},
        {"link", "fr-anssi~de-bsi"},
        {"from", "fr-anssi"},
        {"to", "de-bsi"},
        {"seq", 48213},
        {"prev", "n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg"},
        {"sent_at", "2026-11-27T09:44:49.123Z"},
        {"type", "request"},
        {"ref", nullptr},
        {"body", body},
        {"attachments",
         {{{"name", "sample-log.txt.enc"},
           {"size", 48211},
           {"sha256", "3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
          {{"name", "übersetzung.pdf.enc"},
           {"size", 90112},
           {"sha256", "q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k"}}}},
    };
  }();
  return e;
}

const std::string& envelope_text() {
  static const std::string t = canonicalize(envelope());
  return t;
}

void BM_Canonicalize(benchmark::State& state) {
  const auto& e = envelope();
  for (auto _ : state) benchmark::DoNotOptimize(canonicalize(e));
  state.SetBytesProcessed(state.iterations() * envelope_text().size());
  state.SetItemsProcessed(state.iterations());
  state.counters["envelope_bytes"] = static_cast<double>(envelope_text().size());
}
BENCHMARK(BM_Canonicalize);

void BM_ParseStrict(benchmark::State& state) {
  const auto& t = envelope_text();
  for (auto _ : state) benchmark::DoNotOptimize(parse_strict(t));
  state.SetBytesProcessed(state.iterations() * t.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseStrict);

// For comparison: nlohmann's own (non-strict) parser and dump().
void BM_NlohmannParse(benchmark::State& state) {
  const auto& t = envelope_text();
  for (auto _ : state) benchmark::DoNotOptimize(nlohmann::json::parse(t));
  state.SetBytesProcessed(state.iterations() * t.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NlohmannParse);

void BM_NlohmannDump(benchmark::State& state) {
  const auto& e = envelope();
  for (auto _ : state) benchmark::DoNotOptimize(e.dump());
  state.SetBytesProcessed(state.iterations() * envelope_text().size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NlohmannDump);

void BM_IsCanonical(benchmark::State& state) {
  const auto& t = envelope_text();
  for (auto _ : state) benchmark::DoNotOptimize(hotline::crypto::is_canonical(t));
  state.SetBytesProcessed(state.iterations() * t.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IsCanonical);

void BM_Ed25519Sign(benchmark::State& state) {
  const auto kp = KeyPair::generate();
  const auto& t = envelope_text();
  for (auto _ : state) benchmark::DoNotOptimize(kp.sign(t));
  state.SetBytesProcessed(state.iterations() * t.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ed25519Sign);

void BM_Ed25519Verify(benchmark::State& state) {
  const auto kp = KeyPair::generate();
  const auto& t = envelope_text();
  const auto sig = kp.sign(t);
  for (auto _ : state) {
    if (!hotline::crypto::verify(kp.public_key(), t, sig)) state.SkipWithError("verify failed");
  }
  state.SetBytesProcessed(state.iterations() * t.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ed25519Verify);

void BM_Sha256_1KiB(benchmark::State& state) {
  const std::string data(1024, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(hotline::crypto::sha256(data));
  state.SetBytesProcessed(state.iterations() * data.size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Sha256_1KiB);

void BM_Sha256_1MiB(benchmark::State& state) {
  const std::string data(1 << 20, 'x');
  for (auto _ : state) benchmark::DoNotOptimize(hotline::crypto::sha256(data));
  state.SetBytesProcessed(state.iterations() * data.size());
}
BENCHMARK(BM_Sha256_1MiB);

}  // namespace

BENCHMARK_MAIN();
