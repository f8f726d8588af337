// The review report from a real store: a node's SQLite file seeded directly
// (SQL inserts, not through the API or the use cases) with N requests of one
// link, half asked by each party, each with its three envelopes (send,
// acknowledge, final response: the item log the desk writes, with the
// document of a real replay), its review facts row (as the desk writes it
// with the item) and a signed-receipt row for every envelope;
// then `make_report` (the body from the store, our tree head, our signature,
// kept) and `verify_report` of that report, timed, with the peak RSS of each.
// Target (issue 18): 1,000,000 requests, <= 1 s and <= 200 MB each.
//
// N is 1,000,000 unless HOTLINE_REVIEW_BENCH_N says otherwise (quick runs:
// HOTLINE_REVIEW_BENCH_N=20000). Seeding a million takes about 5 minutes and
// 18 GB; HOTLINE_REVIEW_BENCH_DIR keeps the seeded node there for the next
// run (otherwise a temporary directory, removed at the end).
//
// The envelope and receipt rows carry stand-in canonical text of the real
// sizes (1,200 and 1,300 bytes) rather than signed documents: the review
// never reads those bytes, and the node's Merkle log is not seeded (the
// report reads only its head).
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <benchmark/benchmark.h>

#include "hotline/common/encoding.h"
#include "hotline/common/time.h"
#include "hotline/crypto/canonical_json.h"
#include "hotline/crypto/ed25519.h"
#include "hotline/crypto/random.h"
#include "hotline/crypto/sha256.h"
#include "hotline/link/envelope.h"
#include "hotline/model/agreement.h"
#include "hotline/model/labels.h"
#include "hotline/review/facts_codec.h"
#include "hotline/service/item_log.h"
#include "hotline/service/item_replay.h"
#include "hotline/service/link_support.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/review_facts.h"
#include "hotline/service/review_service.h"

namespace {

namespace fs = std::filesystem;
using namespace hotline;
using nlohmann::json;

constexpr std::int64_t kMin = 60000;
const char* const kFrom = "2026-01-01T00:00:00.000Z";
const char* const kTo = "2027-01-01T00:00:00.000Z";

std::int64_t items_wanted() {
  const char* n = std::getenv("HOTLINE_REVIEW_BENCH_N");
  return n != nullptr ? std::atoll(n) : 1000000;
}

std::uint64_t splitmix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string ts(std::int64_t ms) {
  return format_timestamp(TimePoint(std::chrono::milliseconds(ms)));
}

std::int64_t ms_of(const char* t) {
  return parse_timestamp(t).time_since_epoch().count();
}

// ---- the raw SQL seeding -----------------------------------------------------

class Db {
 public:
  explicit Db(const fs::path& file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open");
    exec("PRAGMA synchronous = OFF");
  }
  ~Db() { sqlite3_close(db_); }
  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string e = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(e + ": " + sql);
    }
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
    return st;
  }
  void run(sqlite3_stmt* st) {
    if (sqlite3_step(st) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
    sqlite3_reset(st);
  }

 private:
  sqlite3* db_ = nullptr;
};

void put(sqlite3_stmt* st, int i, const std::string& s) {
  sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}
void put(sqlite3_stmt* st, int i, std::int64_t v) {
  sqlite3_bind_int64(st, i, v);
}

json labels() {
  model::Labels l;
  l.tlp = model::Tlp::amber;
  return model::to_json(l);
}

struct Seeder {
  Db db;
  std::string link;
  sqlite3_stmt* env;
  sqlite3_stmt* rec;
  sqlite3_stmt* item;
  sqlite3_stmt* facts;
  std::int64_t seq[2] = {0, 0};  // outbound, inbound
  std::string env_pad = std::string(1200, 'e');
  std::string rec_pad = std::string(1300, 'r');
  std::string document;  // a real replay's document, the same for every item

  Seeder(const fs::path& file, std::string l)
      : db(file),
        link(std::move(l)),
        env(db.prepare("INSERT INTO envelopes (id, link, direction, seq, digest, type, sent_at, "
                       "canonical, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")),
        rec(db.prepare("INSERT INTO receipts (link, direction, seq, envelope_digest, received_at, "
                       "ledger_index, canonical) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)")),
        item(db.prepare("INSERT INTO items (id, kind, link, state, tlp, title, document, actions, "
                        "created_at, updated_at) VALUES (?1, 'request', ?2, ?3, 'TLP:AMBER', ?4, "
                        "?5, ?6, ?7, ?8)")),
        facts(db.prepare("INSERT INTO review_facts (link, item_id, kind, facts) VALUES (?1, ?2, "
                         "'request', ?3)")) {}

  // One envelope and its receipt; returns its id (and its seq in `at`).
  std::string envelope(review::Act& at, bool outbound, std::int64_t sent, std::int64_t received,
                       const char* type) {
    const int d = outbound ? 0 : 1;
    const std::int64_t s = ++seq[d];
    std::string id = crypto::new_id(TimePoint(std::chrono::milliseconds(sent)));
    const std::string digest = to_hex(crypto::sha256(id));
    const std::string dir = outbound ? "outbound" : "inbound";
    put(env, 1, id);
    put(env, 2, link);
    put(env, 3, dir);
    put(env, 4, s);
    put(env, 5, digest);
    put(env, 6, std::string(type));
    put(env, 7, ts(sent));
    put(env, 8, env_pad);
    if (outbound) {
      sqlite3_bind_null(env, 9);
    } else {
      put(env, 9, ts(received));
    }
    db.run(env);
    put(rec, 1, link);
    put(rec, 2, dir);
    put(rec, 3, s);
    put(rec, 4, digest);
    put(rec, 5, ts(received));
    put(rec, 6, rec_pad);
    db.run(rec);
    at = review::Act{sent, s};
    return id;
  }

  // Request i: asked by us (even i) or by the peer; acknowledged and
  // finally answered by the other side.
  void request(std::int64_t i, std::int64_t from, std::int64_t span, std::uint64_t& rng) {
    const std::uint64_t r = splitmix(rng);
    const bool ours = i % 2 == 0;
    const std::int64_t received = from + static_cast<std::int64_t>(r % span);
    const std::int64_t sent = received - 800;
    const std::int64_t ack = received + static_cast<std::int64_t>((r >> 20) % (180 * kMin));
    const std::int64_t answered = ack + static_cast<std::int64_t>((r >> 36) % (4 * 24 * 60 * kMin));
    const std::string id = crypto::new_id(TimePoint(std::chrono::milliseconds(sent)));
    const json definition = {{"kind", (r >> 8) % 3 == 0 ? "takedown" : "information"},
                             {"priority", (r >> 12) % 4 == 0 ? "urgent" : "normal"},
                             {"labels", labels()},
                             {"subject", "Subscriber of 198.51.100." + std::to_string(i % 250)},
                             {"details", "Who used the address at the time given, with logs."},
                             {"attachments", json::array()}};
    service::ItemLog log;
    using model::Side;
    const Side asker = ours ? Side::ours : Side::theirs;
    const Side responder = ours ? Side::theirs : Side::ours;
    if (ours) {
      log.local.push_back({"create", "alice", ts(sent - kMin), definition});
      log.local.push_back({"approve", "sam", ts(sent - 1), {{"four_eyes_required", true}}});
    }
    // The review's facts row, as the desk writes it with the item (party
    // "a" is the side that is ours; the reader swaps when it is "b").
    review::ItemFacts f;
    f.id = id;
    f.kind = "request." + definition["kind"].get<std::string>();
    f.priority = definition["priority"];
    f.asker = ours ? review::Party::a : review::Party::b;
    f.received_at = received;
    review::Act ack_act, answer_act;
    log.shared.push_back({asker, 0, 0, envelope(f.sent, ours, sent, received, "request.send"),
                          ts(sent), ts(received), "send", "alice", definition});
    log.shared.push_back({responder, 0, 1,
                          envelope(ack_act, !ours, ack, ack + 300, "request.acknowledge"), ts(ack),
                          "", "acknowledge", "bob", json::object()});
    log.shared.push_back(
        {responder,
         1,
         1,
         envelope(answer_act, !ours, answered, answered + 300, "request.respond_final"),
         ts(answered),
         "",
         "respond_final",
         "bob",
         {{"note", "The subscriber's name and address are attached."},
          {"attachments", json::array()}}});
    if (document.empty()) document = service::replay("request", id, log).document().dump();
    put(item, 1, id);
    put(item, 2, link);
    put(item, 3, std::string("responded_final"));
    put(item, 4, definition["subject"].get<std::string>());
    put(item, 5, document);
    put(item, 6, service::to_json(log).dump());
    put(item, 7, ts(sent));
    put(item, 8, ts(answered));
    db.run(item);
    f.acknowledged = ack_act;
    f.first_response = answer_act;
    f.final_response = answer_act;
    put(facts, 1, link);
    put(facts, 2, id);
    const std::string bytes = review::encode(f);
    sqlite3_bind_blob(facts, 3, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    db.run(facts);
  }
};

// ---- the node ------------------------------------------------------------------

struct Seeded {
  fs::path dir;
  bool temporary = false;
  double seed_s = 0;
  ~Seeded() {
    if (temporary) fs::remove_all(dir);
  }
};

model::Party party(const char* name, const std::string& key, const char* tz) {
  model::Party p;
  p.name = name;
  p.public_key = key;
  p.contacts = {{"Duty officer", "duty officer", "duty@example.org", ""}};
  p.languages = {"en"};
  p.time_zone = tz;
  p.office_hours.holidays = {"2026-05-01", "2026-10-01", "2026-12-25"};
  return p;
}

// The peer "bravo" and the agreement, in force since 2025 (through the store).
std::string add_peer_and_agreement(const fs::path& dir) {
  service::Node node = service::open_node(dir);
  const auto bravo = crypto::KeyPair::generate();
  const std::string link = link::link_id(node.identity.public_key(), bravo.public_key());
  const auto doc =
      model::default_agreement(party("Alpha", node.identity.public_key().encoded(), "Europe/Paris"),
                               party("Bravo", bravo.public_key().encoded(), "Asia/Shanghai"), link,
                               "2025-01-01T00:00:00.000Z");
  node.store->transact([&](store::Transaction& tx) {
    tx.insert_peer({"bravo", bravo.public_key().encoded(), "https://127.0.0.1:1", link,
                    "2025-01-01T00:00:00.000Z"});
    store::AgreementRecord rec;
    rec.document = crypto::canonicalize(model::to_json(doc));
    rec.digest = to_hex(crypto::sha256(rec.document));
    rec.link = link;
    rec.proposed_by = node.identity.public_key().encoded();
    rec.proposer_sig = "x";
    rec.acceptor_sig = "y";
    rec.state = "accepted";
    rec.proposed_at = "2025-01-01T00:00:00.000Z";
    rec.accepted_at = rec.proposed_at;
    rec.in_force_from = rec.proposed_at;
    tx.put_agreement(rec);
  });
  return link;
}

Seeded& seeded(std::int64_t n) {
  static Seeded s;
  if (!s.dir.empty()) return s;
  const char* keep = std::getenv("HOTLINE_REVIEW_BENCH_DIR");
  s.dir = keep != nullptr
              ? fs::path(keep) / ("node-" + std::to_string(n))
              : fs::temp_directory_path() / ("hotline-review-store-" + crypto::new_id());
  s.temporary = keep == nullptr;
  if (fs::exists(s.dir / "seeded")) return s;
  fs::remove_all(s.dir);
  const auto t0 = std::chrono::steady_clock::now();
  service::init_node(s.dir, "Alpha");
  const std::string link = add_peer_and_agreement(s.dir);
  Seeder seeder(s.dir / "hotline.db", link);
  std::uint64_t rng = 42;
  const std::int64_t span = ms_of(kTo) - ms_of(kFrom);
  for (std::int64_t i = 0; i < n; ++i) {
    if (i % 20000 == 0) seeder.db.exec(i == 0 ? "BEGIN" : "COMMIT; BEGIN");
    seeder.request(i, ms_of(kFrom) - span, 2 * span, rng);
  }
  seeder.db.exec("COMMIT");
  seeder.db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  std::ofstream(s.dir / "seeded") << n << "\n";
  s.seed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

// ---- measuring -----------------------------------------------------------------

long status_kb(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::string(field).size()));
  }
  return 0;
}

// Bytes this process has had read from the disk (not the page cache).
double disk_read_mb() {
  std::ifstream io("/proc/self/io");
  std::string key;
  long long value = 0;
  while (io >> key >> value) {
    if (key == "read_bytes:") return static_cast<double>(value) / 1e6;
  }
  return 0;
}

// Resets the peak RSS (VmHWM) to the current RSS (Linux: clear_refs 5).
void reset_peak() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void common_counters(benchmark::State& state, const Seeded& s, std::int64_t n) {
  state.counters["items"] = static_cast<double>(n);
  state.counters["seed_s"] = s.seed_s;
  state.counters["db_MB"] = static_cast<double>(fs::file_size(s.dir / "hotline.db")) / 1e6;
}

void BM_ReviewStoreReport(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  Seeded& s = seeded(n);
  service::Node node = service::open_node(s.dir);
  const TimePoint from = parse_timestamp(kFrom), to = parse_timestamp(kTo);
  std::size_t body_bytes = 0;
  long peak = 0;
  double disk_mb = 0;
  for (auto _ : state) {
    reset_peak();
    const double disk0 = disk_read_mb();
    const auto t0 = std::chrono::steady_clock::now();
    // Made "at" the period's end: a report's period must have ended.
    auto made = service::make_report(node, "bravo", from, to, to, false);
    state.SetIterationTime(seconds_since(t0));
    disk_mb = disk_read_mb() - disk0;
    peak = status_kb("VmHWM:");
    body_bytes = crypto::canonicalize(made.report["body"]).size();
  }
  // Where the time goes: reading and decoding the facts rows alone (the
  // rest is the builder's, on a second thread, and the signature).
  const std::string link = service::find_peer(*node.store, "bravo").link;
  auto t0 = std::chrono::steady_clock::now();
  std::int64_t facts = 0;
  node.store->snapshot([&](store::Transaction& tx) {
    service::for_each_review_fact(
        tx, link, review::Party::a, [&](const review::ItemFacts&) { ++facts; },
        [](const review::CaseFacts&) {});
  });
  state.counters["facts_s"] = seconds_since(t0);
  state.counters["facts"] = static_cast<double>(facts);
  // Small runs: the seeded rows are what the product computes from the logs.
  if (n <= 50000) {
    const bool equal = node.store->snapshot([&](store::Transaction& tx) {
      return service::review_facts(tx, link, review::Party::a) ==
             service::review_facts_from_logs(tx, link, review::Party::a);
    });
    if (!equal) state.SkipWithError("the seeded facts rows differ from the facts of the logs");
  }
  state.counters["peak_rss_MB"] = static_cast<double>(peak) / 1024.0;
  state.counters["disk_read_MB"] = disk_mb;
  state.counters["body_bytes"] = static_cast<double>(body_bytes);
  common_counters(state, s, n);
}
BENCHMARK(BM_ReviewStoreReport)
    ->Apply([](benchmark::internal::Benchmark* b) { b->Arg(items_wanted()); })
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

void BM_ReviewStoreVerify(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  Seeded& s = seeded(n);
  service::Node node = service::open_node(s.dir);
  const auto report = service::make_report(node, "bravo", parse_timestamp(kFrom),
                                           parse_timestamp(kTo), parse_timestamp(kTo))
                          .report;
  long peak = 0;
  bool matches = false;
  for (auto _ : state) {
    reset_peak();
    const auto t0 = std::chrono::steady_clock::now();
    matches = service::verify_report(node, report).matches;
    state.SetIterationTime(seconds_since(t0));
    peak = status_kb("VmHWM:");
  }
  if (!matches) state.SkipWithError("the report did not verify against its own store");
  state.counters["peak_rss_MB"] = static_cast<double>(peak) / 1024.0;
  common_counters(state, s, n);
}
BENCHMARK(BM_ReviewStoreVerify)
    ->Apply([](benchmark::internal::Benchmark* b) { b->Arg(items_wanted()); })
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
