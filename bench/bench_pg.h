// PostgreSQL for the benchmarks that compare the stores (link_bench,
// api_bench): a fresh database per benchmark on the cluster that
// HOTLINE_BENCH_PG names (the libpq connection string of its maintenance
// database: scripts/bench starts a throwaway cluster with scripts/pg-cluster
// and sets it), and a node whose records live in such a database, opened
// once per "serve process" (each its own connections, writer and leases, as
// two `hotline serve` processes of one node would have).
//
// Threads: construct and destroy a PgBenchDatabase on one thread;
// conninfo() is a plain value. The functions are for the benchmark's setup
// thread.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>

#include "hotline/service/node_dir.h"

namespace hotline::bench {

// Where a benchmark's nodes keep their records.
enum class StoreKind { sqlite, postgres };

class PgBenchDatabase {
 public:
  PgBenchDatabase() {
    const char* base = std::getenv("HOTLINE_BENCH_PG");
    if (base == nullptr || *base == '\0') {
      throw std::runtime_error(
          "HOTLINE_BENCH_PG is not set: run the benchmarks with scripts/bench (which starts a "
          "PostgreSQL cluster), or start one with scripts/pg-cluster start DIR and set "
          "HOTLINE_BENCH_PG to the connection string it prints");
    }
    base_ = base;
    static std::atomic<int> counter{0};
    name_ = "hotline_bench_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    run_on_base("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    run_on_base("CREATE DATABASE " + name_);
    conninfo_ = base_ + " dbname=" + name_;
  }
  ~PgBenchDatabase() {
    try {
      run_on_base("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
  PgBenchDatabase(const PgBenchDatabase&) = delete;
  PgBenchDatabase& operator=(const PgBenchDatabase&) = delete;

  const std::string& conninfo() const { return conninfo_; }

  // Bytes of write-ahead log the cluster has written so far (every database
  // of it: the difference over a run is what that run wrote, both nodes
  // when they share the cluster).
  double wal_bytes() const {
    pqxx::connection c(base_);
    pqxx::nontransaction w(c);
    return w.exec("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::float8")[0][0].as<double>();
  }

 private:
  void run_on_base(const std::string& statement) const {
    pqxx::connection c(base_);
    pqxx::nontransaction w(c);
    w.exec(statement);
  }

  std::string base_, name_, conninfo_;
};

// Makes a node in `dir` whose records live in the empty PostgreSQL database
// `conninfo` (as `hotline init --store CONNINFO`), and opens it.
inline service::Node init_pg_node(const std::filesystem::path& dir, const std::string& party,
                                  const std::string& conninfo) {
  service::StoreConfig config;
  config.kind = service::StoreConfig::Kind::postgres;
  config.conninfo = conninfo;
  service::init_node(dir, party, config);
  return service::open_node(dir);
}

// Opens the node in `dir` (made by init_pg_node) once more: one more serve
// process of that node, with connections and leases of its own.
inline service::Node open_pg_node(const std::filesystem::path& dir) {
  return service::open_node(dir);
}

}  // namespace hotline::bench
