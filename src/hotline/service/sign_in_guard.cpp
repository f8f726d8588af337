#include "hotline/service/sign_in_guard.h"

#include <algorithm>
#include <cstdint>
#include <optional>

namespace hotline::service {

// ---- the bounded table ----------------------------------------------------------

const SignInGuard::Entry* SignInGuard::Table::find(std::string_view key, TimePoint now,
                                                   std::chrono::milliseconds ttl) const {
  auto it = index_.find(key);
  if (it == index_.end() || it->second->last + ttl <= now) return nullptr;
  return &*it->second;
}

void SignInGuard::Table::fail(const std::string& key, TimePoint now, std::size_t cap,
                              std::chrono::milliseconds ttl) {
  auto it = index_.find(key);
  if (it == index_.end()) {
    while (!list_.empty() && list_.size() >= cap) {  // the least recently failed goes
      index_.erase(list_.back().key);
      list_.pop_back();
    }
    list_.push_front(Entry{key, 0, now});
    it = index_.emplace(list_.front().key, list_.begin()).first;
  } else {
    list_.splice(list_.begin(), list_, it->second);
    if (it->second->last + ttl <= now) it->second->failures = 0;  // forgotten: starts again
  }
  it->second->failures += 1;
  it->second->last = std::max(it->second->last, now);
}

void SignInGuard::Table::erase(const std::string& key) {
  auto it = index_.find(key);
  if (it == index_.end()) return;
  auto node = it->second;
  index_.erase(it);
  list_.erase(node);
}

// ---- the guard ------------------------------------------------------------------

namespace {

std::string pair_key(std::string_view account, std::string_view source) {
  std::string k(account);
  k.push_back('\n');  // neither a name nor an address holds one
  k.append(source);
  return k;
}

}  // namespace

SignInGuard::SignInGuard(SignInLimits limits) : limits_(limits) {
  limits_.free_failures = std::max(0, limits_.free_failures);
  limits_.max_entries = std::max<std::size_t>(1, limits_.max_entries);
}

SignInGuard::SignInGuard(store::Store& store, SignInLimits limits) : SignInGuard(limits) {
  store_ = &store;
}

// The wait still owed by a pair with `pair_failures`, the last at
// `pair_last`, on an account with `account_failures` in all.
std::chrono::milliseconds SignInGuard::delay_of(std::int64_t pair_failures, TimePoint pair_last,
                                                std::int64_t account_failures,
                                                TimePoint now) const {
  using std::chrono::milliseconds;
  milliseconds delay(0);
  if (pair_failures >= limits_.free_failures) {
    const std::int64_t doublings =
        std::min<std::int64_t>(pair_failures - limits_.free_failures, 30);
    delay = std::min(limits_.max_delay, limits_.first_delay * (std::int64_t{1} << doublings));
  }
  if (account_failures >= limits_.account_ceiling) {
    delay = std::max(delay, limits_.ceiling_delay);
  }
  const auto since = std::chrono::duration_cast<milliseconds>(now - pair_last);
  return delay > since ? delay - since : milliseconds(0);
}

std::chrono::milliseconds SignInGuard::wait(std::string_view account, std::string_view source,
                                            TimePoint now) const {
  if (store_) return stored_wait(account, source, now);
  std::lock_guard lock(mutex_);
  const Entry* pair = pairs_.find(pair_key(account, source), now, limits_.forget_after);
  if (!pair) return std::chrono::milliseconds(0);  // no failures from here: never delayed
  const Entry* all = accounts_.find(account, now, limits_.forget_after);
  return delay_of(pair->failures, pair->last, all ? all->failures : 0, now);
}

void SignInGuard::failed(std::string_view account, std::string_view source, TimePoint now) {
  if (store_) return stored_failure(account, source, now);
  std::lock_guard lock(mutex_);
  pairs_.fail(pair_key(account, source), now, limits_.max_entries, limits_.forget_after);
  accounts_.fail(std::string(account), now, limits_.max_entries, limits_.forget_after);
}

void SignInGuard::succeeded(std::string_view account, std::string_view source) {
  if (store_) return stored_success(account, source);
  std::lock_guard lock(mutex_);
  pairs_.erase(pair_key(account, source));
  accounts_.erase(std::string(account));
}

std::size_t SignInGuard::size() const {
  if (store_) {
    return store_->snapshot([](store::Transaction& tx) {
      return static_cast<std::size_t>(tx.count_sign_in_failures());
    });
  }
  std::lock_guard lock(mutex_);
  return pairs_.size() + accounts_.size();
}

// ---- the counts in the store ----------------------------------------------------

namespace {

// A pair's row never has the source "" (that row is the account's total).
std::string pair_source(std::string_view source) {
  return source.empty() ? std::string("unknown") : std::string(source);
}

// A row still counts: its last failure is less than `ttl` ago.
bool live(const std::optional<store::SignInFailureRecord>& r, TimePoint now,
          std::chrono::milliseconds ttl) {
  return r && parse_timestamp(r->last_at) + ttl > now;
}

// One failure more on the row (account, source): a row past `ttl` starts again.
void count_failure(store::Transaction& tx, std::string_view account, const std::string& source,
                   TimePoint now, std::chrono::milliseconds ttl) {
  auto row = tx.find_sign_in_failure(account, source);
  store::SignInFailureRecord r{std::string(account), source, 0, format_timestamp(now)};
  if (live(row, now, ttl)) {
    r.failures = row->failures;
    r.last_at = std::max(row->last_at, r.last_at);
  }
  r.failures += 1;
  tx.put_sign_in_failure(r);
}

}  // namespace

std::chrono::milliseconds SignInGuard::stored_wait(std::string_view account,
                                                   std::string_view source, TimePoint now) const {
  return store_->snapshot([&](store::Transaction& tx) {
    auto pair = tx.find_sign_in_failure(account, pair_source(source));
    if (!live(pair, now, limits_.forget_after)) return std::chrono::milliseconds(0);
    auto all = tx.find_sign_in_failure(account, "");
    const std::int64_t total = live(all, now, limits_.forget_after) ? all->failures : 0;
    return delay_of(pair->failures, parse_timestamp(pair->last_at), total, now);
  });
}

void SignInGuard::stored_failure(std::string_view account, std::string_view source, TimePoint now) {
  bool prune;
  {
    std::lock_guard lock(mutex_);
    prune = ++failures_since_prune_ >= kPruneEvery;
    if (prune) failures_since_prune_ = 0;
  }
  store_->transact([&](store::Transaction& tx) {
    count_failure(tx, account, pair_source(source), now, limits_.forget_after);
    count_failure(tx, account, "", now, limits_.forget_after);
    if (prune) {
      tx.prune_sign_in_failures(format_timestamp(now - limits_.forget_after),
                                2 * limits_.max_entries);
    }
  });
}

void SignInGuard::stored_success(std::string_view account, std::string_view source) {
  const std::string src = pair_source(source);
  // Most sign-ins had no failures: a read says so, with no write.
  const bool any = store_->snapshot([&](store::Transaction& tx) {
    return tx.find_sign_in_failure(account, src) || tx.find_sign_in_failure(account, "");
  });
  if (!any) return;
  store_->transact([&](store::Transaction& tx) {
    tx.delete_sign_in_failure(account, src);
    tx.delete_sign_in_failure(account, "");
  });
}

}  // namespace hotline::service
