// SignInGuard: how many failed sign-ins each (account, source) pair has
// had, and so how long that pair must wait before its next password is
// checked. It replaces an account-wide lock, which anyone who knows an
// account's name could hold forever (docs/threat-model.md, "Sign-in:
// failures are counted per account and source").
//
//   pair delay      the first `free_failures` failures of a pair cost
//                   nothing; then each one doubles the wait before the
//                   pair's next attempt: first_delay, 2x, 4x, ... up to
//                   max_delay. A success from the pair forgets it.
//   account ceiling once an account has had `account_ceiling` failures
//                   (all sources together, forgotten `forget_after` after the
//                   last), a source that has failed on it at all waits at least
//                   `ceiling_delay` between attempts. A source without
//                   failures on the account is never delayed: the right
//                   password (and TOTP code) from another place still signs in.
//
// Names and sources are keys only: an unknown account name is tracked
// exactly like a known one, so the delays do not tell which names exist.
// A source is the client's IPv4 address or its IPv6 /64 (source_key()).
//
// Where the counts live: a guard made with a Store keeps them in it (the
// table sign_in_failures, store.h), so that every `hotline serve` process
// of a node counts the same failures: with counts in each process's memory,
// N processes would give an attacker N times the tries. They survive a
// restart too. A guard made without a Store keeps them in memory (tests,
// and tools that check one password). Either way a success from the pair
// forgets it, and a pair or account silent for `forget_after` starts again.
//
// Bounded: at most `max_entries` pairs and as many accounts; the least
// recently failed one is forgotten first (the store's table is pruned every
// kPruneEvery failures of a process, and the rows older than forget_after
// go then too). The audit trail keeps the record of each attempt.
//
// Cost of the shared counts, per sign-in: one read transaction (wait()), and
// a write transaction for a failure, or after a success that had failures
// to forget; a success without failures reads only. Next to argon2id's
// tens of milliseconds this is small (tests/unit/service/sign_in_guard_test
// prints the timings).
//
// Thread-safe: the API's threads share one guard; the store's guards of
// several processes share one table (each update is one write transaction,
// serialized by the store).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hotline/common/ip_address.h"
#include "hotline/common/time.h"
#include "hotline/store/store.h"

namespace hotline::service {

using hotline::source_key;

struct SignInLimits {
  int free_failures = 3;
  std::chrono::milliseconds first_delay{std::chrono::seconds(2)};
  std::chrono::milliseconds max_delay{std::chrono::minutes(15)};
  int account_ceiling = 20;
  std::chrono::milliseconds ceiling_delay{std::chrono::minutes(1)};
  std::chrono::milliseconds forget_after{std::chrono::hours(24)};
  std::size_t max_entries = 20000;
};

class SignInGuard {
 public:
  SignInGuard() : SignInGuard(SignInLimits{}) {}
  // Counts in memory.
  explicit SignInGuard(SignInLimits limits);
  // Counts in `store` (which must outlive the guard), shared with every
  // guard on the same database.
  SignInGuard(store::Store& store, SignInLimits limits);

  // Store failures are thrown (hotline::Error "store_..."): the caller
  // refuses the sign-in rather than letting it past an unknown count.
  // How long `source` must still wait before a password for `account` is
  // checked (zero: now).
  std::chrono::milliseconds wait(std::string_view account, std::string_view source,
                                 TimePoint now) const;
  void failed(std::string_view account, std::string_view source, TimePoint now);
  // The pair is forgotten; the account's count starts again.
  void succeeded(std::string_view account, std::string_view source);

  // Tracked pairs and accounts (for tests).
  std::size_t size() const;

  // The store's table is pruned once per this many failures of a process.
  static constexpr int kPruneEvery = 64;

 private:
  struct Entry {
    std::string key;
    std::int64_t failures = 0;
    TimePoint last;
  };
  // Most recently failed first; bounded.
  class Table {
   public:
    const Entry* find(std::string_view key, TimePoint now, std::chrono::milliseconds ttl) const;
    void fail(const std::string& key, TimePoint now, std::size_t cap,
              std::chrono::milliseconds ttl);
    void erase(const std::string& key);
    std::size_t size() const { return list_.size(); }

   private:
    std::list<Entry> list_;
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
  };

  std::chrono::milliseconds delay_of(std::int64_t pair_failures, TimePoint pair_last,
                                     std::int64_t account_failures, TimePoint now) const;
  std::chrono::milliseconds stored_wait(std::string_view account, std::string_view source,
                                        TimePoint now) const;
  void stored_failure(std::string_view account, std::string_view source, TimePoint now);
  void stored_success(std::string_view account, std::string_view source);

  SignInLimits limits_;
  store::Store* store_ = nullptr;  // null: the tables below
  mutable std::mutex mutex_;
  Table pairs_;
  Table accounts_;
  int failures_since_prune_ = 0;  // guarded by mutex_
};

}  // namespace hotline::service
