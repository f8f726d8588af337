#include "hotline/service/sign_in_guard.h"

#include <algorithm>

namespace hotline::service {

// ---- the bounded table ----------------------------------------------------------

const SignInGuard::Entry* SignInGuard::Table::find(std::string_view key, TimePoint now,
                                                   std::chrono::milliseconds ttl) const {
  auto it = index_.find(key);
  if (it == index_.end() || it->second->last + ttl <= now) return nullptr;
  return &*it->second;
}

void SignInGuard::Table::fail(const std::string& key, TimePoint now, std::size_t cap) {
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

std::chrono::milliseconds SignInGuard::wait(std::string_view account, std::string_view source,
                                            TimePoint now) const {
  using std::chrono::milliseconds;
  std::lock_guard lock(mutex_);
  const Entry* pair = pairs_.find(pair_key(account, source), now, limits_.forget_after);
  if (!pair) return milliseconds(0);  // no failures from here: never delayed
  milliseconds delay(0);
  if (pair->failures >= limits_.free_failures) {
    const std::int64_t doublings =
        std::min<std::int64_t>(pair->failures - limits_.free_failures, 30);
    delay = std::min(limits_.max_delay, limits_.first_delay * (std::int64_t{1} << doublings));
  }
  const Entry* all = accounts_.find(account, now, limits_.forget_after);
  if (all && all->failures >= limits_.account_ceiling) {
    delay = std::max(delay, limits_.ceiling_delay);
  }
  const auto since = std::chrono::duration_cast<milliseconds>(now - pair->last);
  return delay > since ? delay - since : milliseconds(0);
}

void SignInGuard::failed(std::string_view account, std::string_view source, TimePoint now) {
  std::lock_guard lock(mutex_);
  pairs_.fail(pair_key(account, source), now, limits_.max_entries);
  accounts_.fail(std::string(account), now, limits_.max_entries);
}

void SignInGuard::succeeded(std::string_view account, std::string_view source) {
  std::lock_guard lock(mutex_);
  pairs_.erase(pair_key(account, source));
  accounts_.erase(std::string(account));
}

std::size_t SignInGuard::size() const {
  std::lock_guard lock(mutex_);
  return pairs_.size() + accounts_.size();
}

}  // namespace hotline::service
