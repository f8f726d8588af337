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
// Memory is bounded: at most `max_entries` pairs and as many accounts; the
// least recently failed one is forgotten first. State is in memory only (a
// restart forgets it); the audit trail keeps the record of each attempt.
//
// Thread-safe: the API's threads share one guard.
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
  explicit SignInGuard(SignInLimits limits);

  // How long `source` must still wait before a password for `account` is
  // checked (zero: now).
  std::chrono::milliseconds wait(std::string_view account, std::string_view source,
                                 TimePoint now) const;
  void failed(std::string_view account, std::string_view source, TimePoint now);
  // The pair is forgotten; the account's count starts again.
  void succeeded(std::string_view account, std::string_view source);

  // Tracked pairs and accounts (for tests).
  std::size_t size() const;

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
    void fail(const std::string& key, TimePoint now, std::size_t cap);
    void erase(const std::string& key);
    std::size_t size() const { return list_.size(); }

   private:
    std::list<Entry> list_;
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
  };

  SignInLimits limits_;
  mutable std::mutex mutex_;
  Table pairs_;
  Table accounts_;
};

}  // namespace hotline::service
