// Test support: a fresh PostgreSQL database per test, empty or a copy of a
// template made once per cluster.  See pg_test_db.h.
#include "support/pg_test_db.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace hotline::testing {
namespace {

// scripts/pg-cluster of this checkout (a compile definition).
constexpr const char* kClusterScript = HOTLINE_PG_CLUSTER_SCRIPT;

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// A watcher that removes the private cluster in `dir` when this process
// ends, however it ends: it reads its stdin, a pipe whose only writer this
// process keeps open (close-on-exec, so the children it starts do not hold
// it), until end of file. In its own process group, so that a Ctrl-C in the
// terminal stops the tests but not the clean-up.
void spawn_remover(const std::string& dir) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe2 for the private cluster's remover: ") +
                             std::strerror(errno));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  std::string sh = "/bin/sh", c = "-c", script = "read -r _; exec \"$0\" remove \"$1\"";
  std::string path = kClusterScript, d = dir;
  std::vector<char*> argv{sh.data(), c.data(), script.data(), path.data(), d.data(), nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  ::close(fds[0]);
  if (rc != 0) {
    ::close(fds[1]);
    throw std::runtime_error("could not start the private cluster's remover: " +
                             std::string(std::strerror(rc)));
  }
  // fds[1] stays open until this process ends: that end is the signal.
}

// Runs `scripts/pg-cluster start dir` and returns what it prints (the
// conninfo); its messages go to our stderr.
std::string run_start(const std::string& dir) {
  // Without fsync, as ctest's fixture starts the build folder's cluster
  // (scripts/pg-cluster says why a test loses nothing by it).
  const std::string command =
      "PG_CLUSTER_FSYNC=off " + shell_quote(kClusterScript) + " start " + shell_quote(dir);
  std::FILE* out = ::popen(command.c_str(), "r");
  if (out == nullptr) {
    throw std::runtime_error("could not run " + command + ": " + std::strerror(errno));
  }
  std::string text;
  char buf[512];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, out)) text.append(buf, n);
  const int status = ::pclose(out);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("expected `" + command +
                             "` to start a PostgreSQL cluster (exit 0), found exit status " +
                             std::to_string(status) + " (its message is above, on stderr)");
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) throw std::runtime_error("`" + command + "` printed no conninfo");
  return text;
}

std::string start_private_cluster() {
  std::string dir = (std::filesystem::temp_directory_path() / "hotline-pg-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + dir + ": " + std::strerror(errno));
  }
  spawn_remover(dir);
  std::string conninfo = run_start(dir);
  std::cerr << "pg_test_db: HOTLINE_TEST_PG is not set; started a private PostgreSQL cluster in "
            << dir << " (removed when this process ends)\n";
  return conninfo;
}

// The cluster's conninfo, or why there is none (the same error for every
// test of the process, without trying again).
struct Cluster {
  std::string conninfo;
  std::string error;
};

Cluster find_cluster() {
  const char* env = std::getenv("HOTLINE_TEST_PG");
  if (env != nullptr && *env != '\0') return {env, ""};
  try {
    return {start_private_cluster(), ""};
  } catch (const std::exception& e) {
    return {"", e.what()};
  }
}

std::string conninfo_value(const char* value) {
  std::string out = "'";
  for (const char* p = value; *p != '\0'; ++p) {
    if (*p == '\'' || *p == '\\') out += '\\';
    out += *p;
  }
  return out + "'";
}

// `base` (a libpq connection string, key=value or URI) with its dbname
// replaced by `dbname`, as key=value pairs.
std::string with_dbname(const std::string& base, const std::string& dbname) {
  char* error = nullptr;
  PQconninfoOption* options = ::PQconninfoParse(base.c_str(), &error);
  if (options == nullptr) {
    std::string why = error != nullptr ? error : "out of memory";
    ::PQfreemem(error);
    throw std::runtime_error("expected a libpq connection string in HOTLINE_TEST_PG, found '" +
                             base + "': " + why);
  }
  std::string out;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || std::strcmp(o->keyword, "dbname") == 0) continue;
    out += std::string(o->keyword) + "=" + conninfo_value(o->val) + " ";
  }
  ::PQconninfoFree(options);
  return out + "dbname=" + conninfo_value(dbname.c_str());
}

void run(const std::string& conninfo, const std::string& statement) {
  pqxx::connection c(conninfo);
  pqxx::nontransaction w(c);
  w.exec(statement);
}

std::string unique_name() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  char random[9];
  std::snprintf(random, sizeof random, "%08x", static_cast<unsigned>(rd()));
  return "hotline_t" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" + random;
}

// The test binary's identity (size, modification time, inode), hashed
// (FNV-1a) to 16 hex digits: another build of it gets another template.
std::string binary_stamp() {
  struct stat st {};
  if (::stat("/proc/self/exe", &st) != 0) {
    throw std::runtime_error(std::string("expected to stat /proc/self/exe (the test binary), "
                                         "found an error: ") +
                             std::strerror(errno));
  }
  std::uint64_t h = 1469598103934665603ULL;
  for (std::uint64_t v :
       {static_cast<std::uint64_t>(st.st_size), static_cast<std::uint64_t>(st.st_mtim.tv_sec),
        static_cast<std::uint64_t>(st.st_mtim.tv_nsec), static_cast<std::uint64_t>(st.st_ino)}) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xffU;
      h *= 1099511628211ULL;
    }
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::string template_name(const std::string& key) {
  bool ok = !key.empty() && key.size() <= 20;
  for (char c : key) {
    ok = ok &&
         ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (!ok) {
    throw std::runtime_error("expected a template key of 1 to 20 letters, digits or '_', found '" +
                             key + "'");
  }
  return "hotline_tpl_" + key + "_" + binary_stamp();
}

// Waits until no session uses `name` (the server ends the sessions that
// `fill` closed a moment after it returned); CREATE DATABASE waits 5 s only.
void wait_until_unused(pqxx::nontransaction& w, const std::string& name) {
  const std::string query =
      "SELECT count(*) FROM pg_stat_activity WHERE datname = " + w.quote(name);
  for (int i = 0; i < 1500; ++i) {
    if (w.exec(query)[0][0].as<int>() == 0) return;
    ::usleep(20 * 1000);
  }
  throw std::runtime_error(
      "expected the template " + name + " to have no session 30 s after it was filled, found " +
      w.exec(query)[0][0].c_str() + " (does the fill function close every connection it opens?)");
}

// Serializes the test processes of one cluster while one of them checks for
// the template and fills it (released when the connection closes).
constexpr const char* kTemplateLock = "SELECT pg_advisory_lock(7261700100)";

// The name of the finished template of `from` on the cluster `base`, made
// first when the cluster has none (a half-made one, left by a process killed
// while filling it, is dropped and made again).
std::string ensure_template(const std::string& base, const PgTemplate& from) {
  static std::mutex mu;
  static std::set<std::string> finished_here;
  const std::string name = template_name(from.key);
  std::lock_guard lock(mu);
  if (finished_here.count(name) != 0) return name;
  pqxx::connection c(base);
  pqxx::nontransaction w(c);
  w.exec(kTemplateLock);
  const pqxx::result r = w.exec(
      "SELECT count(*) FROM pg_database WHERE datname = " + w.quote(name) + " AND datistemplate");
  if (r[0][0].as<int>() == 0) {
    w.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    w.exec("CREATE DATABASE " + name);
    try {
      from.fill(with_dbname(base, name));
    } catch (...) {
      w.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      throw;
    }
    // Finished: copies may be made from now on, and nobody connects to it
    // (a connection to a template stops CREATE DATABASE from copying it).
    w.exec("ALTER DATABASE " + name + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
    wait_until_unused(w, name);
  }
  finished_here.insert(name);
  return name;
}

}  // namespace

const std::string& pg_test_cluster() {
  static const Cluster cluster = find_cluster();
  if (!cluster.error.empty()) throw std::runtime_error(cluster.error);
  return cluster.conninfo;
}

PgTestDatabase::PgTestDatabase() : name_(unique_name()) {
  const std::string& base = pg_test_cluster();
  conninfo_ = with_dbname(base, name_);
  run(base, "CREATE DATABASE " + name_);
}

PgTestDatabase::PgTestDatabase(const PgTemplate& from) : name_(unique_name()) {
  const std::string& base = pg_test_cluster();
  conninfo_ = with_dbname(base, name_);
  const std::string template_db = ensure_template(base, from);
  run(base, "CREATE DATABASE " + name_ + " TEMPLATE " + template_db);
}

PgTestDatabase::~PgTestDatabase() {
  try {
    run(pg_test_cluster(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    std::cerr << "pg_test_db: could not drop the test database " << name_ << ": " << e.what()
              << "\n";
  }
}

std::string PgTestDatabase::sql(const std::string& statement) const {
  pqxx::connection c(conninfo_);
  pqxx::nontransaction w(c);
  const pqxx::result r = w.exec(statement);
  if (r.empty() || r.columns() == 0 || r[0][0].is_null()) return "";
  return r[0][0].c_str();
}

}  // namespace hotline::testing
