#include "hotline/service/user_service.h"

#include <algorithm>
#include <array>
#include <utility>

#include "hotline/common/ascii.h"
#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/hmac.h"
#include "hotline/crypto/random.h"
#include "hotline/crypto/sha256.h"
#include "hotline/crypto/totp.h"
#include "hotline/service/sign_in_guard.h"

namespace hotline::service {
namespace {

constexpr Role kAllRoles[] = {Role::operator_, Role::supervisor, Role::translator,
                              Role::reviewer,  Role::admin,      Role::service};

std::string role_list() {
  std::string out;
  for (Role r : kAllRoles) {
    if (!out.empty()) out += ", ";
    out += to_string(r);
  }
  return out;
}

// Which roles grant a permission: the table in user_service.h.
bool grants(Role r, Permission p) {
  const bool desk = r == Role::operator_ || r == Role::supervisor;
  switch (p) {
    case Permission::read_items:
      return desk || r == Role::translator || r == Role::reviewer;
    case Permission::act_alerts:
    case Permission::act_requests:
    case Permission::act_cases:
    case Permission::send_messages:
      return desk;
    case Permission::add_case_entries:
    case Permission::translate:
      return desk || r == Role::translator;
    case Permission::approve_requests:
      return r == Role::supervisor;
    case Permission::manage_webhook:  // where the node sends data: admins only
      return r == Role::admin;
    case Permission::read_review:
    case Permission::make_reviews:
    case Permission::prepare_rounds:
      return r == Role::supervisor || r == Role::reviewer;
    case Permission::sign_reviews:     // the office's word on the figures
    case Permission::settle_disputes:  // likewise on a settlement
      return r == Role::supervisor;
    case Permission::act_disputes:
      return desk;
    case Permission::read_ledger:
      return r == Role::supervisor || r == Role::reviewer || r == Role::admin;
    case Permission::manage_users:
    case Permission::manage_tokens:
    case Permission::manage_peers:
    case Permission::manage_agreement:
      return r == Role::admin;
  }
  return false;
}

bool privileged(const std::vector<std::string>& names) {
  return std::find(names.begin(), names.end(), "supervisor") != names.end() ||
         std::find(names.begin(), names.end(), "admin") != names.end();
}

std::vector<std::string> role_names(const std::vector<Role>& roles) {
  if (roles.empty()) {
    throw Error(ErrorCategory::invalid_input, "role_invalid",
                "A user needs at least one role (" + role_list() + ").");
  }
  std::vector<std::string> names;
  for (Role r : roles) names.emplace_back(to_string(r));
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (std::find(names.begin(), names.end(), "service") != names.end() && privileged(names)) {
    throw Error(ErrorCategory::invalid_input, "role_invalid",
                "A service account cannot also be supervisor or admin: it must not approve "
                "or manage anything.");
  }
  return names;
}

std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

void validate_display_name(const std::string& display) {
  bool ok = !display.empty() && display.size() <= 128;
  for (unsigned char c : display) ok = ok && c >= 0x20 && c != 0x7f;
  if (!ok) {
    throw Error(ErrorCategory::invalid_input, "user_invalid",
                "The display name must be 1 to 128 bytes of printable text (no line breaks or "
                "control characters).");
  }
}

std::int64_t setting_days(store::Transaction& tx, const char* key, std::int64_t fallback) {
  auto v = tx.get_setting(key);
  try {
    return v ? std::max<std::int64_t>(1, std::stoll(*v)) : fallback;
  } catch (const std::exception&) {
    return fallback;
  }
}

AccountSettings read_account_settings(store::Transaction& tx) {
  AccountSettings s;
  s.token_default_days = setting_days(tx, kTokenDefaultDaysSetting, kDefaultTokenDays);
  s.token_max_days = setting_days(tx, kTokenMaxDaysSetting, kMaxTokenDays);
  s.totp_required = tx.get_setting(kTotpRequiredSetting).value_or("") == "privileged";
  return s;
}

std::string hex_sha256(std::string_view text) {
  return to_hex(crypto::sha256(text));
}

std::string random_token(std::size_t bytes) {
  std::array<std::uint8_t, 64> buf{};
  std::span<std::uint8_t> s(buf.data(), bytes);
  crypto::random_bytes(s);
  return base64url_encode(s);
}

store::UserRecord must_find(store::Transaction& tx, const std::string& name) {
  auto u = tx.find_user(name);
  if (!u) {
    throw Error(
        ErrorCategory::not_found, "user_unknown",
        "There is no user \"" + name + "\". See the users with: hotline user list --dir DIR");
  }
  return *u;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// Reads, changes and writes one user in one write transaction; when `ctx` is
// given, records `action` on the user (with `detail`) in that transaction.
template <class F>
store::UserRecord update_user(store::Store& store, const std::string& name, TimePoint now,
                              const AuditContext* ctx, const std::string& action,
                              const std::string& detail, F&& f) {
  return store.transact([&](store::Transaction& tx) {
    store::UserRecord u = must_find(tx, name);
    f(u);
    u.updated_at = format_timestamp(now);
    tx.put_user(u);
    if (ctx) audit(tx, *ctx, action, name, detail, now);
    return u;
  });
}

// The new password hash in `tx`, a lockout lifted, and the user's sessions
// ended but the one whose hash is `keep_session_hash` ("": all). Returns the
// user and how many sessions ended.
std::pair<store::UserRecord, std::int64_t> replace_password(store::Transaction& tx,
                                                            const std::string& name,
                                                            const std::string& hash,
                                                            const std::string& keep_session_hash,
                                                            TimePoint now) {
  store::UserRecord u = must_find(tx, name);
  u.password_hash = hash;
  u.failed_logins = 0;
  u.locked_until.reset();
  u.updated_at = format_timestamp(now);
  tx.put_user(u);
  return {u, tx.delete_user_sessions(name, keep_session_hash)};
}

// The one answer of every failed sign-in, whatever the reason (the reason
// goes to the audit trail).
[[noreturn]] void throw_auth_failed() {
  throw Error(ErrorCategory::unauthenticated, "auth_failed", std::string(kSignInFailed));
}

}  // namespace

// ---- roles and permissions --------------------------------------------------

std::string_view to_string(Role r) {
  switch (r) {
    case Role::operator_:
      return "operator";
    case Role::supervisor:
      return "supervisor";
    case Role::translator:
      return "translator";
    case Role::reviewer:
      return "reviewer";
    case Role::admin:
      return "admin";
    case Role::service:
      return "service";
  }
  return "unknown";
}

Role parse_role(std::string_view text) {
  for (Role r : kAllRoles) {
    if (to_string(r) == text) return r;
  }
  throw Error(ErrorCategory::invalid_input, "role_invalid",
              "Unknown role \"" + std::string(text) + "\"; the roles are " + role_list() + ".");
}

std::vector<Role> roles_of(const store::UserRecord& user) {
  std::vector<Role> out;
  for (const auto& name : user.roles) {
    for (Role r : kAllRoles) {
      if (to_string(r) == name) out.push_back(r);
    }
  }
  return out;
}

bool has_role(const store::UserRecord& user, Role role) {
  const auto roles = roles_of(user);
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string_view to_string(Permission p) {
  switch (p) {
    case Permission::read_items:
      return "read_items";
    case Permission::act_alerts:
      return "act_alerts";
    case Permission::act_requests:
      return "act_requests";
    case Permission::act_cases:
      return "act_cases";
    case Permission::send_messages:
      return "send_messages";
    case Permission::add_case_entries:
      return "add_case_entries";
    case Permission::approve_requests:
      return "approve_requests";
    case Permission::manage_webhook:
      return "manage_webhook";
    case Permission::read_review:
      return "read_review";
    case Permission::make_reviews:
      return "make_reviews";
    case Permission::sign_reviews:
      return "sign_reviews";
    case Permission::act_disputes:
      return "act_disputes";
    case Permission::settle_disputes:
      return "settle_disputes";
    case Permission::prepare_rounds:
      return "prepare_rounds";
    case Permission::read_ledger:
      return "read_ledger";
    case Permission::manage_users:
      return "manage_users";
    case Permission::manage_tokens:
      return "manage_tokens";
    case Permission::manage_peers:
      return "manage_peers";
    case Permission::manage_agreement:
      return "manage_agreement";
    case Permission::translate:
      return "translate";
  }
  return "unknown";
}

bool may(const store::UserRecord& user, Permission p) {
  if (user.disabled) return false;
  for (Role r : roles_of(user)) {
    if (grants(r, p)) return true;
  }
  return false;
}

// ---- policy -----------------------------------------------------------------

void validate_user_name(const std::string& name) {
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  };
  bool ok =
      !name.empty() && name.size() <= 64 && name[0] != '.' && name[0] != '_' && name[0] != '-';
  for (char c : name) ok = ok && allowed(c);
  if (!ok) {
    const bool upper =
        std::any_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    throw Error(ErrorCategory::invalid_input, "user_invalid",
                "User name \"" + name +
                    "\" is not allowed: use 1 to 64 lowercase letters a-z, "
                    "digits, '.', '_' or '-', starting with a letter or digit" +
                    (upper ? " (try \"" + ascii_lower(name) + "\")" : "") + ".");
  }
}

void check_password_policy(const std::string& name, const std::string& password) {
  if (password.size() > kMaxPasswordBytes) {
    throw Error(
        ErrorCategory::invalid_input, "password_weak",
        "The password is too long: at most " + std::to_string(kMaxPasswordBytes) + " bytes.");
  }
  if (code_points(password) < kMinPasswordChars) {
    throw Error(ErrorCategory::invalid_input, "password_weak",
                "The password is too short: use at least " + std::to_string(kMinPasswordChars) +
                    " characters (a few unrelated words are easy to type and "
                    "hard to guess).");
  }
  if (ascii_lower(password) == ascii_lower(name)) {
    throw Error(ErrorCategory::invalid_input, "password_weak",
                "The password must not be the user name.");
  }
}

// ---- users ------------------------------------------------------------------

store::UserRecord add_user(store::Store& store, const std::string& name,
                           const std::string& display_name, const std::vector<Role>& roles,
                           const std::string& password, TimePoint now, const AccountPolicy& policy,
                           const AuditContext* audit_ctx) {
  validate_user_name(name);
  const std::string display = display_name.empty() ? name : display_name;
  validate_display_name(display);
  auto names = role_names(roles);
  check_password_policy(name, password);
  // Refuse a taken name before spending the hash time.
  if (store.snapshot([&](store::Transaction& tx) { return tx.find_user(name).has_value(); })) {
    throw Error(ErrorCategory::conflict, "user_exists",
                "There is already a user \"" + name + "\".");
  }
  store::UserRecord u;
  u.name = name;
  u.display_name = display;
  u.roles = std::move(names);
  u.password_hash = crypto::hash_password(password, policy.password_cost);
  u.created_at = format_timestamp(now);
  u.updated_at = u.created_at;
  store.transact([&](store::Transaction& tx) {
    if (tx.find_user(name))
      throw Error(ErrorCategory::conflict, "user_exists",
                  "There is already a user \"" + name + "\".");
    tx.insert_user(u);
    if (audit_ctx) audit(tx, *audit_ctx, "user.add", name, join(u.roles), now);
  });
  return u;
}

store::UserRecord get_user(store::Store& store, const std::string& name) {
  return store.snapshot([&](store::Transaction& tx) { return must_find(tx, name); });
}

std::vector<store::UserRecord> list_users(store::Store& store) {
  return store.snapshot([](store::Transaction& tx) { return tx.list_users(); });
}

store::UserRecord set_user_disabled(store::Store& store, const std::string& name, bool disabled,
                                    TimePoint now, const AuditContext* audit_ctx) {
  const char* action = disabled ? "user.disable" : "user.enable";
  return update_user(store, name, now, audit_ctx, action, "", [&](store::UserRecord& u) {
    u.disabled = disabled;
    if (!disabled) {
      u.failed_logins = 0;
      u.locked_until.reset();
    }
  });
}

store::UserRecord set_password(store::Store& store, const std::string& name,
                               const std::string& password, TimePoint now,
                               const AccountPolicy& policy, const AuditContext* audit_ctx) {
  check_password_policy(name, password);
  get_user(store, name);  // user_unknown before the hash time
  const std::string hash = crypto::hash_password(password, policy.password_cost);
  return store.transact([&](store::Transaction& tx) {
    // A reset password (forgotten, or feared known to someone else) ends
    // every session signed in with the old one.
    store::UserRecord u = replace_password(tx, name, hash, "", now).first;
    // The entry says that the password changed, never what it is.
    if (audit_ctx) audit(tx, *audit_ctx, "user.password", name, "", now);
    return u;
  });
}

store::UserRecord change_own_password(store::Store& store, const std::string& name,
                                      const std::string& current,
                                      const std::optional<std::string>& totp_code,
                                      const std::string& password, const std::string& remote,
                                      const std::string& keep_session, SignInGuard& guard,
                                      TimePoint now, const AccountPolicy& policy,
                                      const AuditContext* audit_ctx) {
  check_password_policy(name, password);
  if (password == current) {
    throw Error(ErrorCategory::invalid_input, "password_weak",
                "The new password is the same as the current one.");
  }
  try {
    authenticate(store, guard, name, current, totp_code, remote, now, policy, audit_ctx);
  } catch (const Error& e) {
    if (e.code() != "auth_failed") throw;
    throw Error(ErrorCategory::forbidden, "password_wrong",
                "The current password or authenticator code is wrong (after several failures, "
                "wait a few minutes before trying again).");
  }
  const std::string hash = crypto::hash_password(password, policy.password_cost);
  const std::string keep = keep_session.empty() ? std::string() : hex_sha256(keep_session);
  return store.transact([&](store::Transaction& tx) {
    auto [u, ended] = replace_password(tx, name, hash, keep, now);
    if (audit_ctx) {
      audit(tx, *audit_ctx, "user.password", name,
            "own change; " + std::to_string(ended) + " other session(s) ended", now);
    }
    return u;
  });
}

store::UserRecord set_roles(store::Store& store, const std::string& name,
                            const std::vector<Role>& roles, TimePoint now,
                            const AuditContext* audit_ctx) {
  auto names = role_names(roles);
  return update_user(store, name, now, audit_ctx, "user.roles", join(names),
                     [&](store::UserRecord& u) { u.roles = names; });
}

// ---- TOTP -------------------------------------------------------------------

TotpSetup enable_totp(store::Store& store, const std::string& name, const std::string& issuer,
                      TimePoint now, const AuditContext* audit_ctx) {
  TotpSetup setup;
  setup.secret = crypto::new_totp_secret();
  setup.uri = crypto::otpauth_uri(issuer, name, setup.secret);
  update_user(store, name, now, audit_ctx, "user.totp_enable", "",
              [&](store::UserRecord& u) { u.totp_pending = setup.secret; });
  return setup;
}

store::UserRecord confirm_totp(store::Store& store, const std::string& name,
                               const std::string& code, TimePoint now,
                               const AuditContext* audit_ctx) {
  return update_user(
      store, name, now, audit_ctx, "user.totp_confirm", "", [&](store::UserRecord& u) {
        if (!u.totp_pending) {
          throw Error(ErrorCategory::conflict, "totp_not_pending",
                      "No second factor is being set up for \"" + name +
                          "\". Start with: hotline user totp enable --dir DIR " + name);
        }
        const auto key = crypto::base32_decode(*u.totp_pending);
        auto step = crypto::verify_totp(key, code, now, 0);
        if (!step) {
          throw Error(ErrorCategory::unauthenticated, "auth_totp_invalid",
                      "That code is not valid for the new secret. Check the authenticator app's "
                      "entry and the clock of the phone, then enter the current code.");
        }
        u.totp_secret = u.totp_pending;
        u.totp_pending.reset();
        u.totp_last_step = *step;
      });
}

store::UserRecord disable_totp(store::Store& store, const std::string& name, TimePoint now,
                               const AuditContext* audit_ctx) {
  return update_user(store, name, now, audit_ctx, "user.totp_disable", "",
                     [&](store::UserRecord& u) {
                       u.totp_secret.reset();
                       u.totp_pending.reset();
                       u.totp_last_step = 0;
                     });
}

// ---- sign-in ----------------------------------------------------------------

namespace {

// What a sign-in attempt came to, for the audit trail (never for the caller).
enum class SignIn {
  ok,
  throttled,
  unknown_account,
  wrong_password,
  disabled,
  no_totp_code,
  wrong_totp_code,
  password_changed,
  totp_enrolment_required,
};

std::string_view reason_text(SignIn s) {
  switch (s) {
    case SignIn::ok:
      return "";
    case SignIn::throttled:
      return "throttled: too many failures from this source (not checked)";
    case SignIn::unknown_account:
      return "no such account";
    case SignIn::wrong_password:
      return "wrong password";
    case SignIn::disabled:
      return "account disabled";
    case SignIn::no_totp_code:
      return "no authenticator code";
    case SignIn::wrong_totp_code:
      return "wrong or reused authenticator code";
    case SignIn::password_changed:
      return "password changed during the check";
    case SignIn::totp_enrolment_required:
      return "TOTP required for this role but not set up";
  }
  return "";
}

// The name typed, for the trail's target: only when it could be a user
// name at all (text from outside is not recorded raw).
std::string audit_target(const std::string& name) {
  try {
    validate_user_name(name);
    return name;
  } catch (const Error&) {
    return "(not a user name)";
  }
}

// The checks after the password, on the user as it is now: which outcome,
// and the TOTP step to record on success.
SignIn check_account(store::UserRecord& u, bool password_ok,
                     const std::optional<std::string>& totp_code, bool totp_required,
                     TimePoint now) {
  if (!password_ok) return SignIn::wrong_password;
  if (u.disabled) return SignIn::disabled;
  if (!u.totp_secret) {
    return totp_required && privileged(u.roles) ? SignIn::totp_enrolment_required : SignIn::ok;
  }
  if (!totp_code || totp_code->empty()) return SignIn::no_totp_code;
  auto step =
      crypto::verify_totp(crypto::base32_decode(*u.totp_secret), *totp_code, now, u.totp_last_step);
  if (!step) return SignIn::wrong_totp_code;
  u.totp_last_step = *step;
  return SignIn::ok;
}

// The audit entry of a sign-in attempt.
void audit_sign_in(store::Transaction& tx, const AuditContext* ctx, const std::string& name,
                   SignIn outcome, TimePoint now) {
  if (!ctx) return;
  if (outcome == SignIn::ok) {
    audit(tx, *ctx, "user.sign_in", name, "", now);
  } else {
    audit(tx, *ctx, "user.sign_in_failed", audit_target(name), std::string(reason_text(outcome)),
          now);
  }
}

// A failed attempt that changed no account: only its audit entry.
void record_failure(store::Store& store, const std::string& name, SignIn outcome, TimePoint now,
                    const AuditContext* ctx) {
  if (!ctx) return;
  store.transact([&](store::Transaction& tx) { audit_sign_in(tx, ctx, name, outcome, now); });
}

}  // namespace

store::UserRecord authenticate(store::Store& store, SignInGuard& guard, const std::string& name_in,
                               const std::string& password,
                               const std::optional<std::string>& totp_code,
                               const std::string& remote, TimePoint now,
                               const AccountPolicy& policy, const AuditContext* audit_ctx) {
  const std::string name = ascii_lower(name_in);
  const std::string source = source_key(remote);
  // Refused without a look at the account or the password: the answer
  // depends only on this source's own failures.
  if (guard.wait(name, source, now).count() > 0) {
    record_failure(store, name, SignIn::throttled, now, audit_ctx);
    throw_auth_failed();
  }
  auto found = store.snapshot([&](store::Transaction& tx) { return tx.find_user(name); });
  if (!found) {
    // Spend the same argon2id time as a real check, so that the answer's
    // timing does not tell which names exist.
    (void)crypto::hash_password(password, policy.password_cost);
    guard.failed(name, source, now);
    record_failure(store, name, SignIn::unknown_account, now, audit_ctx);
    throw_auth_failed();
  }
  // The slow part runs outside any write transaction; the outcome is then
  // applied to the user as it is at that moment.
  const bool password_ok = crypto::verify_password(found->password_hash, password);
  const bool rehash =
      password_ok && crypto::password_needs_rehash(found->password_hash, policy.password_cost);
  const std::string new_hash =
      rehash ? crypto::hash_password(password, policy.password_cost) : std::string();

  struct Outcome {
    SignIn result = SignIn::ok;
    store::UserRecord user;
  };
  Outcome out = store.transact([&](store::Transaction& tx) -> Outcome {
    auto current = tx.find_user(name);
    // Gone, or its password changed while we were hashing: the check above
    // was against a stale hash, so it proves nothing either way.
    if (!current || current->password_hash != found->password_hash) {
      return {SignIn::password_changed, {}};
    }
    store::UserRecord u = *current;
    const store::UserRecord before = u;
    const SignIn result =
        check_account(u, password_ok, totp_code, read_account_settings(tx).totp_required, now);
    // failed_logins: consecutive failures, for the administrators' view;
    // it locks nothing (the guard delays by source).
    u.failed_logins = result == SignIn::ok ? 0 : u.failed_logins + 1;
    if (result == SignIn::ok && rehash) u.password_hash = new_hash;
    if (u != before) tx.put_user(u);
    audit_sign_in(tx, audit_ctx, name, result, now);
    return {result, u};
  });
  if (out.result == SignIn::password_changed) {
    record_failure(store, name, out.result, now, audit_ctx);
    throw_auth_failed();
  }
  if (out.result == SignIn::totp_enrolment_required) {
    // Only after the right password: the one answer that says more, so
    // that the officer knows what to do.
    throw Error(ErrorCategory::forbidden, "auth_totp_enrolment_required",
                "This office requires an authenticator app (TOTP) for supervisors and "
                "administrators, and this account has none yet. Ask an administrator to set one "
                "up (hotline user totp enable), then sign in with its code.");
  }
  if (out.result != SignIn::ok) {
    guard.failed(name, source, now);
    throw_auth_failed();
  }
  guard.succeeded(name, source);
  return out.user;
}

// ---- rate limiter -------------------------------------------------------------

LoginRateLimiter::LoginRateLimiter(Limits limits) : limits_(limits) {
  if (limits_.burst < 1) limits_.burst = 1;
  if (limits_.refill_every.count() < 1) limits_.refill_every = std::chrono::milliseconds(1);
  if (limits_.max_addresses < 1) limits_.max_addresses = 1;
}

bool LoginRateLimiter::allow(std::string_view remote, TimePoint now) {
  const std::int64_t cost = limits_.refill_every.count();
  const std::int64_t full = cost * limits_.burst;
  std::lock_guard lock(mutex_);
  // Buckets untouched long enough to be full again carry no information:
  // forget them (oldest first, so this stops at the first recent one).
  while (!lru_.empty() && (now - lru_.back().updated).count() >= full) {
    index_.erase(lru_.back().remote);
    lru_.pop_back();
  }
  auto it = index_.find(remote);
  if (it == index_.end()) {
    while (lru_.size() >= limits_.max_addresses) {  // the least recently used goes
      index_.erase(lru_.back().remote);
      lru_.pop_back();
    }
    lru_.push_front(Bucket{std::string(remote), full, now});
    it = index_.emplace(lru_.front().remote, lru_.begin()).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second);
  }
  Bucket& b = *it->second;
  if (now > b.updated) b.credit_ms = std::min(full, b.credit_ms + (now - b.updated).count());
  b.updated = std::max(b.updated, now);
  if (b.credit_ms < cost) return false;
  b.credit_ms -= cost;
  return true;
}

std::size_t LoginRateLimiter::size() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

// ---- API tokens ---------------------------------------------------------------

namespace {

// The separation of duties: an admin acting through the API may make
// tokens only for themselves or for a service account.
void check_token_owner(const store::UserRecord& requester, const store::UserRecord& owner) {
  if (requester.name == owner.name || has_role(owner, Role::service)) return;
  throw Error(ErrorCategory::forbidden, "forbidden",
              "an admin may make API tokens only for their own account or for a service "
              "account (role \"service\"); \"" +
                  owner.name + "\" is neither");
}

}  // namespace

namespace {

[[noreturn]] void bad_setting(const std::string& what) {
  throw Error(ErrorCategory::invalid_input, "request_invalid", what);
}

std::int64_t parse_days(const std::string& value) {
  std::int64_t n = 0;
  try {
    std::size_t used = 0;
    n = std::stoll(value, &used);
    if (used != value.size()) n = 0;
  } catch (const std::exception&) {
    n = 0;
  }
  if (n < 1 || n > 3650) bad_setting("a number of days from 1 to 3650, please");
  return n;
}

}  // namespace

AccountSettings account_settings(store::Store& store) {
  return store.snapshot([](store::Transaction& tx) { return read_account_settings(tx); });
}

AccountSettings set_account_setting(store::Store& store, const std::string& key,
                                    const std::string& value, TimePoint now,
                                    const AuditContext* audit_ctx) {
  return store.transact([&](store::Transaction& tx) {
    AccountSettings s = read_account_settings(tx);
    if (key == kTokenDefaultDaysSetting) {
      s.token_default_days = parse_days(value);
    } else if (key == kTokenMaxDaysSetting) {
      s.token_max_days = parse_days(value);
    } else if (key == kTotpRequiredSetting) {
      if (value != "privileged" && value != "none") bad_setting("use \"privileged\" or \"none\"");
      s.totp_required = value == "privileged";
    } else {
      bad_setting("unknown account setting \"" + key + "\"");
    }
    if (s.token_default_days > s.token_max_days) {
      bad_setting("the default token lifetime cannot be longer than the maximum");
    }
    tx.put_setting(key, value);
    if (audit_ctx) audit(tx, *audit_ctx, "settings.set", key, value, now);
    return s;
  });
}

NewApiToken create_api_token(store::Store& store, const std::string& user, const std::string& label,
                             TimePoint now, const AuditContext* audit_ctx,
                             const TokenOptions& options, const store::UserRecord* requester) {
  bool ok = !label.empty() && label.size() <= 64;
  for (unsigned char c : label) ok = ok && c >= 0x20 && c != 0x7f;
  if (!ok) {
    throw Error(ErrorCategory::invalid_input, "token_invalid",
                "A token's name must be 1 to 64 bytes of printable text, e.g. \"siem-export\".");
  }
  NewApiToken t;
  t.token = "hl_" + random_token(32);
  t.record.id = crypto::new_id(now);
  t.record.user = user;
  t.record.name = label;
  t.record.token_hash = hex_sha256(t.token);
  t.record.created_at = format_timestamp(now);
  t.record.read_only = options.read_only;
  store.transact([&](store::Transaction& tx) {
    const store::UserRecord owner = must_find(tx, user);
    if (requester) check_token_owner(*requester, owner);
    const AccountSettings settings = read_account_settings(tx);
    const std::int64_t max_days = settings.token_max_days;
    const std::int64_t days = options.days.value_or(settings.token_default_days);
    if (days < 1 || days > max_days) {
      throw Error(ErrorCategory::invalid_input, "token_invalid",
                  "A token lives 1 to " + std::to_string(max_days) +
                      " days here (the office's setting " + kTokenMaxDaysSetting + ").");
    }
    t.record.expires_at = format_timestamp(now + std::chrono::hours(24 * days));
    tx.insert_api_token(t.record);
    if (audit_ctx) {
      audit(tx, *audit_ctx, "token.create", user,
            "id=" + t.record.id + " label=" + label + " expires=" + *t.record.expires_at +
                (options.read_only ? " read-only" : ""),
            now);
    }
  });
  return t;
}

store::UserRecord authenticate_token(store::Store& store, const std::string& token, TimePoint now,
                                     const AccountPolicy& policy,
                                     store::ApiTokenRecord* token_out) {
  const std::string hash = hex_sha256(token);
  struct Found {
    std::optional<store::ApiTokenRecord> token;
    std::optional<store::UserRecord> user;
  };
  Found f = store.snapshot([&](store::Transaction& tx) {
    Found r;
    r.token = tx.find_api_token_by_hash(hash);
    if (r.token) r.user = tx.find_user(r.token->user);
    return r;
  });
  const bool expired =
      f.token && f.token->expires_at && parse_timestamp(*f.token->expires_at) <= now;
  if (!f.token || f.token->revoked_at || expired || !f.user || f.user->disabled) {
    throw Error(ErrorCategory::unauthenticated, "auth_failed",
                "The API token is unknown, revoked, expired, or its user is disabled.");
  }
  if (token_out) *token_out = *f.token;
  const bool stale = !f.token->last_used_at ||
                     parse_timestamp(*f.token->last_used_at) + policy.touch_interval <= now;
  if (stale) {
    store.transact([&](store::Transaction& tx) {
      auto current = tx.find_api_token_by_hash(hash);
      if (!current || current->revoked_at) return;
      current->last_used_at = format_timestamp(now);
      tx.put_api_token(*current);
    });
  }
  return *f.user;
}

store::ApiTokenRecord revoke_api_token(store::Store& store, const std::string& id, TimePoint now,
                                       const AuditContext* audit_ctx) {
  return store.transact([&](store::Transaction& tx) {
    for (auto& t : tx.list_api_tokens("")) {
      if (t.id != id) continue;
      if (!t.revoked_at) {
        t.revoked_at = format_timestamp(now);
        tx.put_api_token(t);
        // Only the revocation itself: revoking again changes nothing.
        if (audit_ctx) audit(tx, *audit_ctx, "token.revoke", t.user, "id=" + t.id, now);
      }
      return t;
    }
    throw Error(ErrorCategory::not_found, "token_unknown",
                "There is no API token with id " + id +
                    ". See the tokens with: hotline token list --dir DIR");
  });
}

std::vector<store::ApiTokenRecord> list_api_tokens(store::Store& store, const std::string& user) {
  return store.snapshot([&](store::Transaction& tx) { return tx.list_api_tokens(user); });
}

// ---- sessions -----------------------------------------------------------------

std::string csrf_token_of(const std::string& session_id) {
  return hex_sha256("hotline csrf v1\n" + session_id);
}

NewSession create_session(store::Store& store, const std::string& user, const std::string& remote,
                          TimePoint now, std::chrono::seconds ttl, const AccountPolicy& policy) {
  const auto lifetime = std::min<std::chrono::seconds>(ttl, policy.session_absolute);
  NewSession s;
  s.id = random_token(32);
  s.csrf_token = csrf_token_of(s.id);
  s.record.id_hash = hex_sha256(s.id);
  s.record.user = user;
  s.record.csrf_token_hash = hex_sha256(s.csrf_token);
  s.record.created_at = format_timestamp(now);
  s.record.expires_at = format_timestamp(now + lifetime);
  s.record.last_seen_at = s.record.created_at;
  s.record.remote = remote;
  store.transact([&](store::Transaction& tx) {
    must_find(tx, user);
    tx.insert_session(s.record);
  });
  return s;
}

SessionCheck check_session(store::Store& store, const std::string& id, TimePoint now,
                           const AccountPolicy& policy, SessionUse use) {
  const std::string hash = hex_sha256(id);
  struct Found {
    std::optional<store::SessionRecord> session;
    std::optional<store::UserRecord> user;
  };
  Found f = store.snapshot([&](store::Transaction& tx) {
    Found r;
    r.session = tx.find_session(hash);
    if (r.session) r.user = tx.find_user(r.session->user);
    return r;
  });
  const auto expired = [] {
    return Error(ErrorCategory::unauthenticated, "auth_session_expired",
                 "The session has ended or timed out. Sign in again.");
  };
  if (!f.session) throw expired();
  const TimePoint last_seen = parse_timestamp(f.session->last_seen_at);
  const bool timed_out = parse_timestamp(f.session->expires_at) <= now ||
                         parse_timestamp(f.session->created_at) + policy.session_absolute <= now ||
                         last_seen + policy.session_idle <= now;
  if (timed_out || !f.user || f.user->disabled) {
    store.transact([&](store::Transaction& tx) { tx.delete_session(hash); });
    if (timed_out || !f.user) throw expired();
    throw Error(ErrorCategory::unauthenticated, "auth_disabled",
                "This account is disabled. Ask an administrator (hotline user enable).");
  }
  if (use == SessionUse::request && last_seen + policy.touch_interval <= now) {
    f.session->last_seen_at = format_timestamp(now);
    store.transact(
        [&](store::Transaction& tx) { tx.touch_session(hash, f.session->last_seen_at); });
  }
  return SessionCheck{*f.user, f.session->csrf_token_hash, *f.session};
}

bool csrf_matches(const SessionCheck& session, const std::string& csrf_token) {
  return crypto::constant_time_equal(hex_sha256(csrf_token), session.csrf_token_hash);
}

void end_session(store::Store& store, const std::string& id) {
  const std::string hash = hex_sha256(id);
  store.transact([&](store::Transaction& tx) { tx.delete_session(hash); });
}

std::int64_t purge_expired_sessions(store::Store& store, TimePoint now) {
  const std::string t = format_timestamp(now);
  return store.transact([&](store::Transaction& tx) { return tx.delete_expired_sessions(t); });
}

std::vector<store::AuditRecord> read_audit(store::Store& store, const store::UserRecord& reader,
                                           std::int64_t after, std::size_t limit) {
  if (!may(reader, Permission::manage_users)) {
    throw Error(ErrorCategory::forbidden, "forbidden",
                "only an enabled admin may read the audit trail; " + reader.name + " is not one");
  }
  return store.snapshot([&](store::Transaction& tx) { return tx.list_audit(after, limit); });
}

}  // namespace hotline::service
