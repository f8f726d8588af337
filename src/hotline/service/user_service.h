// Accounts: the people who sign in to this node, what each may do, and how
// they prove who they are (password, optional TOTP second factor, API tokens,
// browser sessions). The HTTP API and the `hotline user` / `hotline token`
// commands sit on these; nothing here does network I/O.
//
// Roles (a user has one or more):
//   operator    the 24/7 duty desk: alerts, requests, cases, desk messages
//   supervisor  everything an operator does, plus four-eyes approval of
//               outgoing requests, and the review and ledger views
//   translator  reads items and adds case entries (translations)
//   reviewer    reads items, the ledger and the review data; makes and
//               verifies review reports and prepares review rounds
//   admin       users, API tokens, peers, the agreement, the escalation
//               webhook; the ledger view.
//               Not the desk's actions: an admin who works the desk also
//               holds the operator role.
//   service     grants nothing itself: marks a machine account (a script, a
//               SIEM) whose API tokens an admin may make. It never goes with
//               supervisor or admin, so a service account cannot approve or
//               manage anything.
//
// Separation of duties (issue #17, item 4): through the API an admin makes
// API tokens only for their own account or for service accounts, and
// cannot change their own roles (another admin must); the office can
// require TOTP of supervisors and admins (kTotpRequiredSetting).
//
// Permission table (may(user, permission); a disabled user may nothing):
//
//   permission        operator supervisor translator reviewer admin
//   read_items           x         x          x         x       .
//   act_alerts           x         x          .         .       .
//   act_requests         x         x          .         .       .
//   act_cases            x         x          .         .       .
//   send_messages        x         x          .         .       .
//   add_case_entries     x         x          x         .       .
//   approve_requests     .         x          .         .       .
//   manage_webhook       .         .          .         .       x
//   read_review          .         x          .         x       .
//   make_reviews         .         x          .         x       .
//   sign_reviews         .         x          .         .       .
//   act_disputes         x         x          .         .       .
//   settle_disputes      .         x          .         .       .
//   prepare_rounds       .         x          .         x       .
//   read_ledger          .         x          .         x       x
//   manage_users         .         .          .         .       x
//   manage_tokens        .         .          .         .       x
//   manage_peers         .         .          .         .       x
//   manage_agreement     .         .          .         .       x
//   translate            x         x          x         .       .
//
// Passwords: at least 12 characters (Unicode code points), at most 1024
// bytes, not the user name (in any case). Stored as argon2id hashes
// (crypto/password.h); a hash made with an older cost is replaced at the
// next successful sign-in.
//
// Sign-in (authenticate): every failure gives one answer, auth_failed with
// one message (kSignInFailed), whatever the reason: unknown name, wrong
// password, disabled account, missing or wrong TOTP code, or too many
// failures from this source. An unknown name still spends one argon2id hash,
// so the timing does not tell either. The client may always send a TOTP
// code; an account without TOTP ignores it, and one with TOTP treats a
// missing code like a wrong one. Failures are counted per account and
// source (SignInGuard, sign_in_guard.h): exponential delays for the pair,
// and an account-wide ceiling that only slows sources which have failed;
// there is no account lock, so nobody can keep a stranger's account shut.
// The reason of each failure, and each success, goes to the audit trail.
// The per-address LoginRateLimiter is for the API to call before
// authenticate(), keyed on source_key() (IPv4 address or IPv6 /64).
//
// TOTP: enable_totp() hands out a secret and its otpauth:// URI but only
// confirm_totp() with a valid code from the app activates it; until then
// sign-in needs no code. Codes are accepted one 30 s step either way and
// never twice (the last accepted step is stored).
//
// API tokens: "hl_" + base64url(32 random bytes), shown once by
// create_api_token(); the store keeps only the hex SHA-256.
//
// Audit trail (service/audit_trail.h): each use case that changes an account
// or a token takes an optional AuditContext (who acts, from where). When one
// is given, the change and its audit entry are written in the same
// transaction (both commit or neither; a call that fails records nothing).
// The target is always the user's name:
//   action             use case            detail
//   user.add           add_user            the roles, comma-separated ("admin,reviewer")
//   user.disable       set_user_disabled   -
//   user.enable        set_user_disabled   -
//   user.password      set_password        - (never the password)
//   user.roles         set_roles           the new roles, comma-separated
//   user.totp_enable   enable_totp         - (set-up started; never the secret)
//   user.totp_confirm  confirm_totp        -
//   user.totp_disable  disable_totp        -
//   token.create       create_api_token    "id=<id> label=<label> expires=<time>[ read-only]"
//                                          (never the token)
//   token.revoke       revoke_api_token    "id=<token id>" (only the first revocation)
//   user.sign_in      authenticate        - (a successful sign-in or password re-check)
//   user.sign_in_failed authenticate      why (for the trail only): "wrong password",
//                                         "no such account" (target: the name typed, when
//                                         it is a possible user name), "account disabled",
//                                         "no authenticator code", "wrong or reused
//                                         authenticator code", "throttled: ..."
// Token use and sessions are not in the trail.
//
// Sessions: the session id and CSRF token are random (32 bytes, base64url),
// returned once by create_session() and stored hashed. A session ends after
// 30 minutes without use or 12 hours after sign-in, whichever comes first.
//
// Errors (hotline::Error codes):
//   user_invalid          a name or display name breaks the rules (message says which)
//   user_exists           add_user with a name already taken
//   user_unknown          no such user (admin use cases; sign-in says auth_failed)
//   role_invalid          an unknown role name, or no role at all
//   password_weak         a password breaks the policy (message says how)
//   token_invalid         an API token label breaks the rules
//   token_unknown         revoke_api_token with an unknown id
//   totp_not_pending      confirm_totp without a preceding enable_totp
//   auth_failed           every failed sign-in (above), a bad/revoked/expired token
//   auth_totp_enrolment_required  right password, but the office requires TOTP
//                         of this supervisor or admin and none is set up
//   forbidden             a token for someone else than the admin or a service account
//   auth_totp_invalid     confirm_totp: the code is wrong for the new secret
//   auth_disabled         a session whose account was disabled since
//   auth_session_expired  no such session, or it timed out
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hotline/common/time.h"
#include "hotline/crypto/password.h"
#include "hotline/service/audit_trail.h"
#include "hotline/service/sign_in_guard.h"
#include "hotline/store/records.h"
#include "hotline/store/store.h"

namespace hotline::service {

// ---- roles and permissions --------------------------------------------------

// `operator` is a C++ keyword, hence the trailing underscore; its text is
// "operator".
enum class Role { operator_, supervisor, translator, reviewer, admin, service };

std::string_view to_string(Role r);
// "operator", "supervisor", ...; anything else: Error role_invalid.
Role parse_role(std::string_view text);
// The user's roles; stored names this build does not know are skipped.
std::vector<Role> roles_of(const store::UserRecord& user);
bool has_role(const store::UserRecord& user, Role role);

enum class Permission {
  read_items,
  act_alerts,
  act_requests,
  act_cases,
  send_messages,
  add_case_entries,
  approve_requests,
  manage_webhook,
  read_review,
  make_reviews,     // make and verify review reports (docs/review.md)
  sign_reviews,     // sign the peer's report: the office agrees to its figures
  act_disputes,     // open a dispute, state a position, answer, withdraw
  settle_disputes,  // propose and accept a dispute's settlement
  prepare_rounds,   // propose a review round, edit and accept its agenda and minutes
  read_ledger,
  manage_users,
  manage_tokens,
  manage_peers,
  manage_agreement,
  translate,  // translations of an item's texts, kept on this node (translation_service.h)
};
std::string_view to_string(Permission p);

// True when one of the user's roles grants `p` (table above) and the user
// is not disabled.
bool may(const store::UserRecord& user, Permission p);

// ---- policy -----------------------------------------------------------------

// The numbers above, in one place; tests shorten them or make hashing cheap.
struct AccountPolicy {
  crypto::PasswordCost password_cost = crypto::kDefaultPasswordCost;
  // Delays after failed sign-ins (the API's SignInGuard is made with them).
  SignInLimits sign_in;
  std::chrono::minutes session_idle{30};
  std::chrono::hours session_absolute{12};
  // last_used_at / last_seen_at are written at most this often.
  std::chrono::seconds touch_interval{60};
};

inline constexpr std::size_t kMinPasswordChars = 12;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// 1 to 64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter
// or digit; uppercase is refused (names are compared exactly).
void validate_user_name(const std::string& name);
// The policy above: Error password_weak with a message for a person.
void check_password_policy(const std::string& name, const std::string& password);

// ---- users (admin use cases) ------------------------------------------------

// Creates a user. display_name empty = the name. Throws user_invalid,
// role_invalid, password_weak, user_exists; nothing is stored then.
store::UserRecord add_user(store::Store& store, const std::string& name,
                           const std::string& display_name, const std::vector<Role>& roles,
                           const std::string& password, TimePoint now,
                           const AccountPolicy& policy = {}, const AuditContext* audit = nullptr);

store::UserRecord get_user(store::Store& store, const std::string& name);  // user_unknown
std::vector<store::UserRecord> list_users(store::Store& store);            // by name

// Disabling keeps the user (names in logs stay valid) but refuses sign-in,
// its API tokens and its sessions.
store::UserRecord set_user_disabled(store::Store& store, const std::string& name, bool disabled,
                                    TimePoint now, const AuditContext* audit = nullptr);
// New password (policy checked), set by an admin; also resets the failure
// count and ends the user's sessions.
store::UserRecord set_password(store::Store& store, const std::string& name,
                               const std::string& password, TimePoint now,
                               const AccountPolicy& policy = {},
                               const AuditContext* audit = nullptr);
// A signed-in user changes their own password: the current one (and the
// TOTP code, when the account has one) is checked as at sign-in, failures
// counting like sign-in failures; then the new one (policy checked, not the
// same) replaces it and every other session of the user ends, in one
// transaction. `keep_session` is the caller's own session id ("" for an API
// token: all sessions end). Throws password_weak, password_wrong (any failed
// check of the current password and code).
store::UserRecord change_own_password(store::Store& store, const std::string& name,
                                      const std::string& current,
                                      const std::optional<std::string>& totp_code,
                                      const std::string& password, const std::string& remote,
                                      const std::string& keep_session, SignInGuard& guard,
                                      TimePoint now, const AccountPolicy& policy = {},
                                      const AuditContext* audit = nullptr);
store::UserRecord set_roles(store::Store& store, const std::string& name,
                            const std::vector<Role>& roles, TimePoint now,
                            const AuditContext* audit = nullptr);

// ---- TOTP -------------------------------------------------------------------

struct TotpSetup {
  std::string secret;  // base32, for typing into an app
  std::string uri;     // otpauth://..., for a QR code
};
// Starts (or restarts) setting up a second factor; `issuer` names this node
// in the app ("Hotline CERT-Alpha"). An active factor stays active until
// confirm_totp() replaces it.
TotpSetup enable_totp(store::Store& store, const std::string& name, const std::string& issuer,
                      TimePoint now, const AuditContext* audit = nullptr);
// Activates the pending secret when `code` is valid for it now. Throws
// totp_not_pending, auth_totp_invalid.
store::UserRecord confirm_totp(store::Store& store, const std::string& name,
                               const std::string& code, TimePoint now,
                               const AuditContext* audit = nullptr);
store::UserRecord disable_totp(store::Store& store, const std::string& name, TimePoint now,
                               const AuditContext* audit = nullptr);

// ---- sign-in ----------------------------------------------------------------

// The message of every failed sign-in.
inline constexpr std::string_view kSignInFailed =
    "Sign-in failed: the user name, password or authenticator code is wrong, or this account "
    "cannot sign in now. After several failures from one place, wait a few minutes before "
    "trying again.";

// Checks name (case-insensitive: it is lowercased), password and, when the
// account has TOTP, the code; counts failures in `guard` for (name,
// source_key(remote)) and records the attempt in the audit trail when
// `audit` is given. Returns the user on success; throws auth_failed
// (kSignInFailed) on every failure, with one exception: a supervisor or
// admin who has given the right password but has no TOTP while the office
// requires it (kTotpRequiredSetting) gets auth_totp_enrolment_required,
// telling them to have an authenticator set up.
store::UserRecord authenticate(store::Store& store, SignInGuard& guard, const std::string& name,
                               const std::string& password,
                               const std::optional<std::string>& totp_code,
                               const std::string& remote, TimePoint now,
                               const AccountPolicy& policy = {},
                               const AuditContext* audit = nullptr);

// A token bucket per client address: `burst` attempts at once, refilled at
// one per `refill_every` (defaults: 10 per minute). A bucket that has
// refilled completely is forgotten; beyond `max_addresses` buckets the least
// recently used is forgotten, so memory stays bounded whatever the number of
// addresses. Thread-safe. The API passes source_key(address): an IPv6
// client is limited by its /64, not by each of its 2^64 addresses.
class LoginRateLimiter {
 public:
  struct Limits {
    int burst = 10;
    std::chrono::milliseconds refill_every{6000};
    std::size_t max_addresses = 10000;
  };
  LoginRateLimiter() : LoginRateLimiter(Limits{}) {}
  explicit LoginRateLimiter(Limits limits);

  // True (and one attempt spent) when `remote` may try to sign in now.
  bool allow(std::string_view remote, TimePoint now);
  // How many addresses are tracked now.
  std::size_t size() const;

 private:
  struct Bucket {
    std::string remote;
    // Refill time banked, in ms: each attempt costs refill_every, and the
    // bucket holds at most burst * refill_every.
    std::int64_t credit_ms = 0;
    TimePoint updated;
  };
  using List = std::list<Bucket>;  // most recently used first

  Limits limits_;
  mutable std::mutex mutex_;
  List lru_;
  std::unordered_map<std::string_view, List::iterator> index_;  // keys view into lru_
};

// ---- API tokens ---------------------------------------------------------------

// Office settings (the settings table; `hotline settings set`):
//   tokens.default_days   a new token's lifetime when none is asked (90)
//   tokens.max_days       the longest lifetime that may be asked (365)
//   accounts.totp_required  "privileged": supervisors and admins must have
//                         TOTP to sign in; "none" (the default): optional
inline constexpr const char* kTokenDefaultDaysSetting = "tokens.default_days";
inline constexpr const char* kTokenMaxDaysSetting = "tokens.max_days";
inline constexpr const char* kTotpRequiredSetting = "accounts.totp_required";
inline constexpr std::int64_t kDefaultTokenDays = 90;
inline constexpr std::int64_t kMaxTokenDays = 365;

// The account settings above with their values now (defaults filled in).
struct AccountSettings {
  std::int64_t token_default_days = kDefaultTokenDays;
  std::int64_t token_max_days = kMaxTokenDays;
  bool totp_required = false;  // for supervisors and admins
};
AccountSettings account_settings(store::Store& store);
// Changes one of them: `key` one of the three settings above; days 1 to
// 3650 (the default at most the maximum), totp_required "privileged" or
// "none". Recorded as "settings.set" (target the key, detail the value).
// Throws request_invalid.
AccountSettings set_account_setting(store::Store& store, const std::string& key,
                                    const std::string& value, TimePoint now,
                                    const AuditContext* audit = nullptr);

struct TokenOptions {
  std::optional<std::int64_t> days;  // none: tokens.default_days
  bool read_only = false;            // GET and HEAD only
};

struct NewApiToken {
  store::ApiTokenRecord record;
  std::string token;  // shown once; only its hash is stored
};
// A token for `user` labelled `label` (1-64 printable characters), expiring
// after options.days (1 to tokens.max_days; default tokens.default_days).
// `requester` is the admin asking through the API (nullptr: the node's own
// operator at its command line): they may make tokens only for themselves
// or for a service account (Error forbidden otherwise). Throws
// user_unknown, token_invalid, forbidden.
NewApiToken create_api_token(store::Store& store, const std::string& user, const std::string& label,
                             TimePoint now, const AuditContext* audit = nullptr,
                             const TokenOptions& options = {},
                             const store::UserRecord* requester = nullptr);
// The token's user, when the token is known, not revoked, not expired and
// its user not disabled; otherwise auth_failed. Records last_used_at (at
// most once per policy.touch_interval). `token_out`: the token's record.
store::UserRecord authenticate_token(store::Store& store, const std::string& token, TimePoint now,
                                     const AccountPolicy& policy = {},
                                     store::ApiTokenRecord* token_out = nullptr);
// Revokes (idempotent: a revoked token stays revoked at its first time, and
// revoking it again records no audit entry). Throws token_unknown.
store::ApiTokenRecord revoke_api_token(store::Store& store, const std::string& id, TimePoint now,
                                       const AuditContext* audit = nullptr);
// user "" = all users.
std::vector<store::ApiTokenRecord> list_api_tokens(store::Store& store, const std::string& user);

// ---- sessions -----------------------------------------------------------------

// The CSRF token of a session: derived from the session's id (the cookie),
// so that the page can be given it again after a reload (GET /v1/session,
// which only a page of the node's own origin can read) while the node keeps
// only its hash. Knowing it reveals nothing of the cookie (SHA-256).
std::string csrf_token_of(const std::string& session_id);

struct NewSession {
  std::string id;          // for the cookie; shown once
  std::string csrf_token;  // for the page: csrf_token_of(id)
  store::SessionRecord record;
};
// A session for `user` (which must exist: user_unknown) lasting at most `ttl`
// (capped at policy.session_absolute).
NewSession create_session(store::Store& store, const std::string& user, const std::string& remote,
                          TimePoint now, std::chrono::seconds ttl = std::chrono::hours(12),
                          const AccountPolicy& policy = {});

struct SessionCheck {
  store::UserRecord user;
  std::string csrf_token_hash;  // hex SHA-256; compare with csrf_matches()
  store::SessionRecord session;
};
// Whether a check of a session is a use of it: a request is; the periodic
// re-check of an open event stream is not (else a stream left open would
// keep its session alive forever; issue #17, item 9).
enum class SessionUse { request, recheck };
// The session's user when the session exists and has not timed out (idle or
// absolute); for a request, records last_seen_at at most once per
// policy.touch_interval. A timed-out session is deleted. Throws
// auth_session_expired, and auth_disabled (session deleted) when its user
// was disabled.
SessionCheck check_session(store::Store& store, const std::string& id, TimePoint now,
                           const AccountPolicy& policy = {}, SessionUse use = SessionUse::request);
// Constant-time check of a CSRF token against the session's hash.
bool csrf_matches(const SessionCheck& session, const std::string& csrf_token);
// Signs out: deletes the session (no error when it is already gone).
void end_session(store::Store& store, const std::string& id);
// Deletes the sessions past their absolute end; returns how many.
std::int64_t purge_expired_sessions(store::Store& store, TimePoint now);

// ---- the audit trail --------------------------------------------------------

// Entries with seq > after, ascending, at most `limit`, for `reader`, who
// must be an enabled admin (Permission::manage_users); Error forbidden
// otherwise (audit_trail.h writes and verifies it).
std::vector<store::AuditRecord> read_audit(store::Store& store, const store::UserRecord& reader,
                                           std::int64_t after, std::size_t limit);

}  // namespace hotline::service
