// Accounts over a real store (SQLite and PostgreSQL): user rules, the one answer of every
// failed sign-in, delays per account and source (no account lock), TOTP set-up and replay, API
// tokens (shown once, stored hashed, revoked), sessions (idle and absolute expiry, CSRF), the
// permission table and the per-address rate limiter; each account change
// given an AuditContext leaves exactly one audit entry, a failed one none.
// Time is passed in; hashing uses the cheapest argon2id cost except where the
// cost is the test.
#include "hotline/service/user_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/crypto/password.h"
#include "hotline/crypto/sha256.h"
#include "hotline/crypto/totp.h"
#include "hotline/service/audit_trail.h"
#include "hotline/store/open.h"
#include "unit/store/store_test_util.h"

namespace hotline::service {
namespace user_service_test {

using namespace std::chrono_literals;

template <class F>
std::string error_code(F&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  return "none";
}

template <class F>
std::string error_message(F&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const TimePoint kT0 = parse_timestamp("2026-11-27T09:00:00.000Z");
const std::string kPassword = "correct horse battery";

using store::testing::Backend;
using store::testing::FreshStore;

class UserServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    fresh_ = std::make_unique<FreshStore>(GetParam());
    store_ = std::move(fresh_->store);
    policy_.password_cost = crypto::kTestPasswordCost;
  }
  // A guard that never delays: most tests look at one check at a time.
  static SignInLimits no_delays() {
    SignInLimits l;
    l.free_failures = 1000;
    l.account_ceiling = 1000;
    return l;
  }
  void TearDown() override {
    store_.reset();
    fresh_.reset();
  }

  store::UserRecord add(const std::string& name, std::vector<Role> roles = {Role::operator_}) {
    return add_user(*store_, name, "", roles, kPassword, kT0, policy_);
  }
  store::UserRecord login(const std::string& name, const std::string& password, TimePoint now,
                          std::optional<std::string> code = std::nullopt) {
    return authenticate(*store_, guard_, name, password, code, "192.0.2.1", now, policy_);
  }
  // Sets up and confirms TOTP for `name` at kT0; returns the secret's bytes.
  std::vector<std::uint8_t> with_totp(const std::string& name) {
    auto setup = enable_totp(*store_, name, "Hotline Test", kT0);
    auto key = crypto::base32_decode(setup.secret);
    confirm_totp(*store_, name, crypto::totp(key, kT0), kT0);
    return key;
  }

  std::unique_ptr<FreshStore> fresh_;
  std::unique_ptr<store::Store> store_;
  AccountPolicy policy_;
  SignInGuard guard_{no_delays()};
};

// ---- users ------------------------------------------------------------------

TEST_P(UserServiceTest, AddUserStoresAHashSortedRolesAndTimes) {
  auto u = add_user(*store_, "anna.k", "Anna Kowalska",
                    {Role::supervisor, Role::operator_, Role::supervisor}, kPassword, kT0, policy_);
  EXPECT_EQ(u.name, "anna.k");
  EXPECT_EQ(u.display_name, "Anna Kowalska");
  EXPECT_EQ(u.roles, (std::vector<std::string>{"operator", "supervisor"}));
  EXPECT_EQ(u.password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(u.password_hash.find(kPassword), std::string::npos);
  EXPECT_TRUE(crypto::verify_password(u.password_hash, kPassword));
  EXPECT_EQ(u.created_at, "2026-11-27T09:00:00.000Z");
  EXPECT_EQ(get_user(*store_, "anna.k"), u);
  EXPECT_EQ(add("bob").display_name, "bob");  // display defaults to the name
  auto all = list_users(*store_);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "anna.k");
}

TEST_P(UserServiceTest, NameRules) {
  for (const std::string& ok :
       std::vector<std::string>{"a", "anna.k", "ops_desk-2", "0perator", std::string(64, 'x')}) {
    EXPECT_EQ(error_code([&] { validate_user_name(ok); }), "none") << ok;
  }
  for (const std::string& bad : std::vector<std::string>{
           "", "Anna", "anna k", ".anna", "-anna", "_x", "anna@desk", "ü", std::string(65, 'x')}) {
    EXPECT_EQ(error_code([&] { validate_user_name(bad); }), "user_invalid") << bad;
  }
  EXPECT_NE(error_message([] { validate_user_name("Anna"); }).find("try \"anna\""),
            std::string::npos);
  EXPECT_EQ(error_code([&] { add_user(*store_, "Anna", "", {Role::admin}, kPassword, kT0); }),
            "user_invalid");
  EXPECT_EQ(error_code([&] {
              add_user(*store_, "anna", "line\nbreak", {Role::admin}, kPassword, kT0, policy_);
            }),
            "user_invalid");
  EXPECT_TRUE(list_users(*store_).empty());
}

TEST_P(UserServiceTest, PasswordPolicy) {
  EXPECT_EQ(error_code([] { check_password_policy("anna", "short"); }), "password_weak");
  EXPECT_EQ(error_code([] { check_password_policy("anna", "elevenchars"); }), "password_weak");
  EXPECT_EQ(error_code([] { check_password_policy("anna", "twelve chars"); }), "none");
  // Characters, not bytes: 11 umlauts are 22 bytes but still too short.
  EXPECT_EQ(error_code([] { check_password_policy("anna", "üüüüüüüüüüü"); }), "password_weak");
  EXPECT_EQ(error_code([] { check_password_policy("anna", "üüüüüüüüüüüü"); }), "none");
  EXPECT_EQ(error_code([] { check_password_policy("anna.kowalska", "Anna.Kowalska"); }),
            "password_weak");
  EXPECT_EQ(error_code([] { check_password_policy("anna", std::string(1025, 'x')); }),
            "password_weak");
  EXPECT_NE(error_message([] { check_password_policy("anna", "short"); }).find("at least 12"),
            std::string::npos);
  EXPECT_NE(error_message([] {
              check_password_policy("anna.kowalska", "anna.kowalska");
            }).find("must not be the user name"),
            std::string::npos);
  EXPECT_EQ(error_code([&] { add_user(*store_, "anna", "", {Role::admin}, "short", kT0); }),
            "password_weak");
  EXPECT_TRUE(list_users(*store_).empty());
}

TEST_P(UserServiceTest, RolesMustBeKnownAndAtLeastOne) {
  EXPECT_EQ(parse_role("operator"), Role::operator_);
  EXPECT_EQ(parse_role("admin"), Role::admin);
  EXPECT_EQ(to_string(Role::operator_), "operator");
  EXPECT_EQ(error_code([] { parse_role("root"); }), "role_invalid");
  EXPECT_NE(error_message([] { parse_role("root"); }).find("operator, supervisor"),
            std::string::npos);
  EXPECT_EQ(error_code([&] { add_user(*store_, "anna", "", {}, kPassword, kT0, policy_); }),
            "role_invalid");
  add("anna");
  EXPECT_EQ(error_code([&] { set_roles(*store_, "anna", {}, kT0); }), "role_invalid");
  auto u = set_roles(*store_, "anna", {Role::reviewer, Role::admin}, kT0 + 1min);
  EXPECT_EQ(u.roles, (std::vector<std::string>{"admin", "reviewer"}));
  EXPECT_EQ(u.updated_at, "2026-11-27T09:01:00.000Z");
  EXPECT_EQ(get_user(*store_, "anna").roles, u.roles);
  EXPECT_EQ(error_code([&] { set_roles(*store_, "ghost", {Role::admin}, kT0); }), "user_unknown");
}

TEST_P(UserServiceTest, DuplicateNameIsRefusedAndChangesNothing) {
  auto first = add("anna");
  EXPECT_EQ(error_code([&] {
              add_user(*store_, "anna", "Other", {Role::admin}, "another password!", kT0, policy_);
            }),
            "user_exists");
  EXPECT_EQ(get_user(*store_, "anna"), first);
  EXPECT_EQ(error_code([&] { get_user(*store_, "ghost"); }), "user_unknown");
}

TEST_P(UserServiceTest, PermissionTable) {
  using P = Permission;
  auto op = add("op", {Role::operator_});
  auto sup = add("sup", {Role::supervisor});
  auto tr = add("tr", {Role::translator});
  auto rev = add("rev", {Role::reviewer});
  auto adm = add("adm", {Role::admin});
  auto adm_op = add("admop", {Role::admin, Role::operator_});
  auto svc = add("svc", {Role::service});
  for (P p : {P::read_items, P::act_alerts, P::approve_requests, P::manage_users, P::manage_tokens,
              P::manage_webhook, P::read_ledger}) {
    EXPECT_FALSE(may(svc, p)) << to_string(p);  // the service role grants nothing itself
  }

  EXPECT_TRUE(may(op, P::act_alerts));
  EXPECT_TRUE(may(op, P::act_requests));
  EXPECT_TRUE(may(op, P::act_cases));
  EXPECT_TRUE(may(op, P::read_items));
  EXPECT_FALSE(may(op, P::approve_requests));
  EXPECT_FALSE(may(op, P::manage_users));
  EXPECT_FALSE(may(op, P::manage_webhook));

  // Supervisors: every operator right and more.
  for (P p : {P::read_items, P::act_alerts, P::act_requests, P::act_cases, P::send_messages,
              P::add_case_entries}) {
    EXPECT_TRUE(may(sup, p)) << to_string(p);
  }
  EXPECT_TRUE(may(sup, P::approve_requests));
  EXPECT_FALSE(may(sup, P::manage_webhook));  // issue #17, item 9: admins only
  EXPECT_FALSE(may(sup, P::manage_peers));

  EXPECT_TRUE(may(tr, P::read_items));
  EXPECT_TRUE(may(tr, P::add_case_entries));
  EXPECT_FALSE(may(tr, P::act_alerts));
  EXPECT_FALSE(may(tr, P::read_ledger));

  EXPECT_TRUE(may(rev, P::read_items));
  EXPECT_TRUE(may(rev, P::read_ledger));
  EXPECT_TRUE(may(rev, P::read_review));
  EXPECT_TRUE(may(rev, P::make_reviews));
  EXPECT_TRUE(may(rev, P::prepare_rounds));
  EXPECT_FALSE(may(rev, P::sign_reviews));
  EXPECT_FALSE(may(rev, P::act_disputes));
  EXPECT_FALSE(may(rev, P::settle_disputes));
  EXPECT_FALSE(may(rev, P::add_case_entries));
  // Review: supervisors sign reports and settle disputes; operators argue
  // disputes but neither settle them nor prepare rounds.
  EXPECT_TRUE(may(sup, P::sign_reviews));
  EXPECT_TRUE(may(sup, P::settle_disputes));
  EXPECT_TRUE(may(sup, P::act_disputes));
  EXPECT_TRUE(may(op, P::act_disputes));
  EXPECT_FALSE(may(op, P::settle_disputes));
  EXPECT_FALSE(may(op, P::prepare_rounds));
  EXPECT_FALSE(may(op, P::make_reviews));
  EXPECT_FALSE(may(tr, P::act_disputes));
  EXPECT_FALSE(may(adm, P::sign_reviews));
  EXPECT_FALSE(may(rev, P::act_requests));

  for (P p : {P::manage_users, P::manage_tokens, P::manage_peers, P::manage_agreement,
              P::manage_webhook}) {
    EXPECT_TRUE(may(adm, p)) << to_string(p);
    EXPECT_FALSE(may(sup, p)) << to_string(p);
  }
  EXPECT_FALSE(may(adm, P::act_alerts));  // not desk actions...
  EXPECT_FALSE(may(adm, P::read_items));
  EXPECT_TRUE(may(adm_op, P::act_alerts));  // ...unless also operator
  EXPECT_TRUE(may(adm_op, P::manage_users));

  // A disabled user may nothing.
  auto off = set_user_disabled(*store_, "sup", true, kT0);
  EXPECT_FALSE(may(off, P::read_items));
  EXPECT_TRUE(has_role(off, Role::supervisor));
}

// ---- sign-in ----------------------------------------------------------------

TEST_P(UserServiceTest, RightPasswordSignsInAndNameIsCaseInsensitive) {
  add("anna");
  EXPECT_EQ(login("anna", kPassword, kT0).name, "anna");
  EXPECT_EQ(login("ANNA", kPassword, kT0).name, "anna");
}

TEST_P(UserServiceTest, UnknownUserAndWrongPasswordGiveTheSameError) {
  add("anna");
  const std::string unknown = error_message([&] { login("nobody", kPassword, kT0); });
  const std::string wrong = error_message([&] { login("anna", "wrong password!!", kT0); });
  EXPECT_EQ(error_code([&] { login("nobody", kPassword, kT0); }), "auth_failed");
  EXPECT_EQ(error_code([&] { login("anna", "wrong password!!", kT0); }), "auth_failed");
  EXPECT_EQ(unknown, wrong);
  EXPECT_FALSE(unknown.empty());
}

TEST_P(UserServiceTest, UnknownUserSpendsTheHashTime) {
  // With the real cost, an unknown name must not answer much faster than a
  // known one (it hashes instead of verifying). Generous bounds: the machine
  // is shared.
  AccountPolicy real;
  add_user(*store_, "anna", "", {Role::operator_}, kPassword, kT0, real);
  auto time_of = [&](const std::string& name) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(error_code([&] {
                authenticate(*store_, guard_, name, "wrong password!!", std::nullopt, "", kT0,
                             real);
              }),
              "auth_failed");
    return std::chrono::steady_clock::now() - start;
  };
  const auto known = time_of("anna");
  const auto unknown = time_of("nobody");
  EXPECT_GT(unknown, known / 3) << "unknown user answered too fast";
}

// Issue #17, item 8: whatever the reason, a failed sign-in gets the same
// code and message (the reason goes to the audit trail only).
TEST_P(UserServiceTest, EveryFailedSignInGetsOneAnswer) {
  add("anna");
  add("bert");
  set_user_disabled(*store_, "bert", true, kT0);
  add("cleo");
  const auto key = with_totp("cleo");
  const TimePoint t = kT0 + 5min;
  std::string wrong_code = crypto::totp(key, t);
  wrong_code[0] = wrong_code[0] == '9' ? '0' : static_cast<char>(wrong_code[0] + 1);
  const std::vector<std::function<void()>> failures = {
      [&] { login("nobody", kPassword, t); },            // unknown account
      [&] { login("anna", "wrong password!!", t); },     // wrong password
      [&] { login("bert", kPassword, t); },              // disabled, right password
      [&] { login("cleo", kPassword, t); },              // TOTP missing, right password
      [&] { login("cleo", kPassword, t, ""); },          // TOTP empty
      [&] { login("cleo", kPassword, t, wrong_code); },  // TOTP wrong
      [&] { login("cleo", "wrong password!!", t, crypto::totp(key, t)); },
  };
  for (std::size_t i = 0; i < failures.size(); ++i) {
    EXPECT_EQ(error_code(failures[i]), "auth_failed") << i;
    EXPECT_EQ(error_message(failures[i]), std::string(kSignInFailed)) << i;
  }
  // The client may always send a code: an account without TOTP ignores it.
  EXPECT_EQ(login("anna", kPassword, t, "123456").name, "anna");
  EXPECT_EQ(login("cleo", kPassword, t, crypto::totp(key, t)).name, "cleo");
}

// Issue #17, item 2: failures from one source delay that source only; the
// right password from another place still signs in, however many failures
// the attacker has piled up.
TEST_P(UserServiceTest, FailuresDelayTheFailingSourceNotTheAccount) {
  add("sara", {Role::supervisor});
  const auto key = with_totp("sara");
  SignInGuard guard;  // the defaults
  auto attempt = [&](const std::string& remote, const std::string& password, TimePoint at,
                     std::optional<std::string> code = std::nullopt) {
    return error_code(
        [&] { authenticate(*store_, guard, "sara", password, code, remote, at, policy_); });
  };
  // An attacker fails 50 times over an hour and a half (each as soon as its
  // delay allows, and many times more while it does not).
  TimePoint t = kT0 + 1min;
  for (int i = 0; i < 50; ++i) {
    for (int j = 0; j < 5; ++j)
      EXPECT_EQ(attempt("203.0.113.66", "guess", t + j * 10ms), "auth_failed");
    t += guard.wait("sara", "203.0.113.66", t) + 1s;
  }
  EXPECT_EQ(attempt("203.0.113.66", "guess", t), "auth_failed");  // checked and counted
  // Even the right password and code from the attacker's address wait.
  const TimePoint now = t + 1s;
  EXPECT_GT(guard.wait("sara", "203.0.113.66", now).count(), 0);
  EXPECT_EQ(attempt("203.0.113.66", kPassword, now, crypto::totp(key, now)), "auth_failed");
  // Sara, from her own place, signs in at once.
  EXPECT_EQ(attempt("198.51.100.7", kPassword, now, crypto::totp(key, now)), "none");
  // An IPv6 attacker's neighbours in its /64 share its delays; another /64
  // does not.
  for (int i = 0; i < 5; ++i) attempt("2001:db8:1:2::5", "guess", now);
  EXPECT_GT(guard.wait("sara", source_key("2001:db8:1:2:ffff::1"), now).count(), 0);
  EXPECT_EQ(guard.wait("sara", source_key("2001:db8:1:3::5"), now).count(), 0);
}

// Issue #17, item 4: the office may require TOTP of supervisors and admins;
// one without it is told to enrol (only after the right password).
TEST_P(UserServiceTest, OfficeMayRequireTotpOfSupervisorsAndAdmins) {
  add("sara", {Role::supervisor});
  add("olga", {Role::operator_});
  EXPECT_EQ(login("sara", kPassword, kT0).name, "sara");
  set_account_setting(*store_, kTotpRequiredSetting, "privileged", kT0);
  EXPECT_EQ(error_code([&] { login("sara", kPassword, kT0); }), "auth_totp_enrolment_required");
  EXPECT_NE(error_message([&] { login("sara", kPassword, kT0); }).find("hotline user totp enable"),
            std::string::npos);
  EXPECT_EQ(error_code([&] { login("sara", "wrong password!!", kT0); }), "auth_failed");
  EXPECT_EQ(login("olga", kPassword, kT0).name, "olga");
  const auto key = with_totp("sara");
  EXPECT_EQ(login("sara", kPassword, kT0 + 1min, crypto::totp(key, kT0 + 1min)).name, "sara");
  EXPECT_EQ(error_code([&] { set_account_setting(*store_, kTotpRequiredSetting, "x", kT0); }),
            "request_invalid");
}

TEST_P(UserServiceTest, TokensExpireAndAreMadeOnlyForSelfOrServiceAccounts) {
  auto admin = add("root", {Role::admin});
  add("sara", {Role::supervisor});
  add("siem", {Role::service, Role::reviewer});
  EXPECT_EQ(error_code([&] { add("bot", {Role::service, Role::supervisor}); }), "role_invalid");
  EXPECT_EQ(error_code([&] {
              set_roles(*store_, "siem", {Role::service, Role::admin}, kT0);
            }),
            "role_invalid");
  EXPECT_EQ(error_code([&] { create_api_token(*store_, "sara", "x", kT0, nullptr, {}, &admin); }),
            "forbidden");
  auto own = create_api_token(*store_, "root", "x", kT0, nullptr, {}, &admin);
  EXPECT_EQ(own.record.expires_at, format_timestamp(kT0 + 90 * 24h));
  TokenOptions week{7, true};
  auto machine = create_api_token(*store_, "siem", "x", kT0, nullptr, week, &admin);
  EXPECT_TRUE(machine.record.read_only);
  store::ApiTokenRecord seen;
  EXPECT_EQ(authenticate_token(*store_, machine.token, kT0 + 6 * 24h, policy_, &seen).name, "siem");
  EXPECT_TRUE(seen.read_only);
  EXPECT_EQ(error_code([&] { authenticate_token(*store_, machine.token, kT0 + 7 * 24h, policy_); }),
            "auth_failed");
  TokenOptions too_long{366, false};
  EXPECT_EQ(error_code([&] { create_api_token(*store_, "root", "x", kT0, nullptr, too_long); }),
            "token_invalid");
  set_account_setting(*store_, kTokenDefaultDaysSetting, "20", kT0);
  set_account_setting(*store_, kTokenMaxDaysSetting, "30", kT0);
  EXPECT_EQ(create_api_token(*store_, "root", "x", kT0).record.expires_at,
            format_timestamp(kT0 + 20 * 24h));
  TokenOptions month{31, false};
  EXPECT_EQ(error_code([&] { create_api_token(*store_, "root", "x", kT0, nullptr, month); }),
            "token_invalid");
  // The default may not exceed the maximum.
  EXPECT_EQ(error_code([&] { set_account_setting(*store_, kTokenDefaultDaysSetting, "31", kT0); }),
            "request_invalid");
}

TEST_P(UserServiceTest, SuccessResetsTheFailureCount) {
  add("anna");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(error_code([&] { login("anna", "wrong password!!", kT0); }), "auth_failed");
  }
  EXPECT_EQ(get_user(*store_, "anna").failed_logins, 4);
  login("anna", kPassword, kT0);
  EXPECT_EQ(get_user(*store_, "anna").failed_logins, 0);
  // No lock is ever set.
  EXPECT_FALSE(get_user(*store_, "anna").locked_until);
}

TEST_P(UserServiceTest, AdminSetsAPasswordEndingTheUsersSessions) {
  add("anna");
  for (int i = 0; i < 5; ++i) (void)error_code([&] { login("anna", "wrong password!!", kT0); });
  auto before_reset = create_session(*store_, "anna", "192.0.2.1", kT0, 12h, policy_);
  add("bert");
  auto colleague = create_session(*store_, "bert", "192.0.2.2", kT0, 12h, policy_);
  set_password(*store_, "anna", "a brand new password", kT0, policy_);
  EXPECT_EQ(get_user(*store_, "anna").failed_logins, 0);
  // Her sessions ended with the old password; a colleague's did not.
  EXPECT_EQ(error_code([&] { check_session(*store_, before_reset.id, kT0, policy_); }),
            "auth_session_expired");
  EXPECT_EQ(check_session(*store_, colleague.id, kT0, policy_).user.name, "bert");
  EXPECT_EQ(error_code([&] { login("anna", kPassword, kT0); }), "auth_failed");
  EXPECT_EQ(login("anna", "a brand new password", kT0).name, "anna");
  EXPECT_EQ(error_code([&] { set_password(*store_, "anna", "anna", kT0, policy_); }),
            "password_weak");
  EXPECT_EQ(error_code([&] { set_password(*store_, "ghost", kPassword, kT0, policy_); }),
            "user_unknown");
}

TEST_P(UserServiceTest, DisabledUserIsRefused) {
  add("anna");
  auto u = set_user_disabled(*store_, "anna", true, kT0 + 1min);
  EXPECT_TRUE(u.disabled);
  EXPECT_EQ(u.updated_at, "2026-11-27T09:01:00.000Z");
  EXPECT_EQ(error_code([&] { login("anna", kPassword, kT0); }), "auth_failed");
  set_user_disabled(*store_, "anna", false, kT0);
  EXPECT_EQ(login("anna", kPassword, kT0).name, "anna");
  EXPECT_EQ(error_code([&] { set_user_disabled(*store_, "ghost", true, kT0); }), "user_unknown");
}

TEST_P(UserServiceTest, OldCostHashIsUpgradedAtSignIn) {
  add("anna");  // made at the test cost
  AccountPolicy stronger = policy_;
  stronger.password_cost = crypto::PasswordCost{2, 16u * 1024};
  authenticate(*store_, guard_, "anna", kPassword, std::nullopt, "", kT0, stronger);
  const auto u = get_user(*store_, "anna");
  EXPECT_FALSE(crypto::password_needs_rehash(u.password_hash, stronger.password_cost));
  EXPECT_TRUE(crypto::verify_password(u.password_hash, kPassword));
  EXPECT_EQ(u.updated_at, "2026-11-27T09:00:00.000Z");  // bookkeeping is not a "change"
}

// ---- TOTP -------------------------------------------------------------------

TEST_P(UserServiceTest, TotpIsActiveOnlyAfterConfirmation) {
  add("anna");
  auto setup = enable_totp(*store_, "anna", "Hotline CERT-Alpha", kT0);
  EXPECT_EQ(setup.secret.size(), 32u);
  EXPECT_EQ(setup.uri.rfind("otpauth://totp/Hotline%20CERT-Alpha:anna?secret=" + setup.secret, 0),
            0u)
      << setup.uri;
  auto pending = get_user(*store_, "anna");
  EXPECT_EQ(pending.totp_pending, setup.secret);
  EXPECT_FALSE(pending.totp_secret);
  // Not active yet: the password alone still signs in.
  EXPECT_EQ(login("anna", kPassword, kT0).name, "anna");

  const auto key = crypto::base32_decode(setup.secret);
  EXPECT_EQ(error_code([&] { confirm_totp(*store_, "anna", "000000", kT0 + 5min); }),
            "auth_totp_invalid");
  auto u = confirm_totp(*store_, "anna", crypto::totp(key, kT0), kT0);
  EXPECT_EQ(u.totp_secret, setup.secret);
  EXPECT_FALSE(u.totp_pending);
  EXPECT_EQ(u.totp_last_step, crypto::totp_step(kT0));
  EXPECT_EQ(error_code([&] { confirm_totp(*store_, "anna", "123456", kT0); }), "totp_not_pending");
}

TEST_P(UserServiceTest, TotpRequiredInvalidAndReplayRefused) {
  add("anna");
  const auto key = with_totp("anna");
  const TimePoint t = kT0 + 5min;
  EXPECT_EQ(error_code([&] { login("anna", kPassword, t); }), "auth_failed");
  EXPECT_EQ(error_code([&] { login("anna", kPassword, t, ""); }), "auth_failed");
  // The wrong password is auth_failed, code or not.
  EXPECT_EQ(error_code([&] { login("anna", "wrong password!!", t, crypto::totp(key, t)); }),
            "auth_failed");
  std::string wrong = crypto::totp(key, t);
  wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
  EXPECT_EQ(error_code([&] { login("anna", kPassword, t, wrong); }), "auth_failed");

  const std::string code = crypto::totp(key, t);
  EXPECT_EQ(login("anna", kPassword, t, code).name, "anna");
  // The same code again (a replay) is refused, even within its 30 s.
  EXPECT_EQ(error_code([&] { login("anna", kPassword, t + 1s, code); }), "auth_failed");
  // The previous step's code is older than the one used: refused too.
  EXPECT_EQ(error_code([&] { login("anna", kPassword, t, crypto::totp(key, t - 30s)); }),
            "auth_failed");
  // The next step's code works.
  EXPECT_EQ(login("anna", kPassword, t + 30s, crypto::totp(key, t + 30s)).name, "anna");
}

TEST_P(UserServiceTest, TotpAcceptsOneStepOfClockDrift) {
  add("anna");
  const auto key = with_totp("anna");
  const TimePoint t = kT0 + 10min;
  EXPECT_EQ(login("anna", kPassword, t, crypto::totp(key, t - 30s)).name, "anna");
  EXPECT_EQ(login("anna", kPassword, t + 30s, crypto::totp(key, t + 60s)).name, "anna");
  const TimePoint later = t + 10min;
  const std::string too_old = crypto::totp(key, later - 60s);
  if (too_old != crypto::totp(key, later) && too_old != crypto::totp(key, later - 30s) &&
      too_old != crypto::totp(key, later + 30s)) {
    EXPECT_EQ(error_code([&] { login("anna", kPassword, later, too_old); }), "auth_failed");
  }
}

TEST_P(UserServiceTest, WrongTotpCodesCountAsFailures) {
  add("anna");
  with_totp("anna");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(error_code([&] { login("anna", kPassword, kT0 + 1min, "000000x"); }), "auth_failed");
  }
  EXPECT_EQ(get_user(*store_, "anna").failed_logins, 4);
}

TEST_P(UserServiceTest, DisableTotp) {
  add("anna");
  with_totp("anna");
  auto u = disable_totp(*store_, "anna", kT0);
  EXPECT_FALSE(u.totp_secret);
  EXPECT_FALSE(u.totp_pending);
  EXPECT_EQ(login("anna", kPassword, kT0 + 1min).name, "anna");
}

// ---- rate limiter -------------------------------------------------------------

TEST(LoginRateLimiter, TenPerMinutePerAddress) {
  LoginRateLimiter limiter;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.allow("192.0.2.1", kT0)) << i;
  EXPECT_FALSE(limiter.allow("192.0.2.1", kT0));
  EXPECT_FALSE(limiter.allow("192.0.2.1", kT0 + 5999ms));
  // Other addresses have their own bucket.
  EXPECT_TRUE(limiter.allow("192.0.2.2", kT0));
  // One attempt comes back every 6 s.
  EXPECT_TRUE(limiter.allow("192.0.2.1", kT0 + 6s));
  EXPECT_FALSE(limiter.allow("192.0.2.1", kT0 + 6s));
  EXPECT_TRUE(limiter.allow("192.0.2.1", kT0 + 12s));
  // Denied attempts do not push the refill back: hammering every 100 ms
  // still earns one attempt per 6 s.
  int allowed = 0;
  for (int i = 1; i <= 600; ++i) allowed += limiter.allow("192.0.2.1", kT0 + 12s + i * 100ms);
  EXPECT_EQ(allowed, 10);
}

TEST(LoginRateLimiter, MemoryIsBounded) {
  LoginRateLimiter::Limits limits;
  limits.max_addresses = 100;
  LoginRateLimiter limiter(limits);
  for (int i = 0; i < 10000; ++i) limiter.allow("10.0." + std::to_string(i), kT0);
  EXPECT_EQ(limiter.size(), 100u);
  // The most recent addresses are remembered, so one exhausted recently
  // stays exhausted.
  for (int i = 0; i < 10; ++i) limiter.allow("198.51.100.9", kT0);
  EXPECT_FALSE(limiter.allow("198.51.100.9", kT0));
  EXPECT_EQ(limiter.size(), 100u);
  // Buckets that have refilled completely are forgotten.
  EXPECT_TRUE(limiter.allow("198.51.100.10", kT0 + 61s));
  EXPECT_EQ(limiter.size(), 1u);
}

// ---- API tokens ---------------------------------------------------------------

TEST_P(UserServiceTest, TokenIsShownOnceAndStoredHashed) {
  add("siem", {Role::reviewer});
  auto t = create_api_token(*store_, "siem", "siem-export", kT0);
  EXPECT_EQ(t.token.rfind("hl_", 0), 0u);
  EXPECT_EQ(t.token.size(), 3u + 43u);  // base64url of 32 bytes
  EXPECT_EQ(t.record.token_hash, to_hex(crypto::sha256(t.token)));
  EXPECT_EQ(t.record.user, "siem");
  EXPECT_FALSE(t.record.last_used_at);
  auto listed = list_api_tokens(*store_, "siem");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0], t.record);
  // Nothing stored holds the token itself.
  EXPECT_EQ(listed[0].token_hash.find(t.token.substr(3)), std::string::npos);
  EXPECT_NE(create_api_token(*store_, "siem", "second", kT0).token, t.token);
  EXPECT_EQ(list_api_tokens(*store_, "").size(), 2u);

  EXPECT_EQ(authenticate_token(*store_, t.token, kT0 + 1s, policy_).name, "siem");
  EXPECT_EQ(error_code([&] { authenticate_token(*store_, t.token + "x", kT0, policy_); }),
            "auth_failed");
  EXPECT_EQ(error_code([&] { authenticate_token(*store_, "", kT0, policy_); }), "auth_failed");
  EXPECT_EQ(error_code([&] { create_api_token(*store_, "ghost", "x", kT0); }), "user_unknown");
  EXPECT_EQ(error_code([&] { create_api_token(*store_, "siem", "", kT0); }), "token_invalid");
  EXPECT_EQ(error_code([&] { create_api_token(*store_, "siem", std::string(65, 'x'), kT0); }),
            "token_invalid");
}

TEST_P(UserServiceTest, TokenLastUsedIsWrittenAtMostOnceAMinute) {
  add("siem", {Role::reviewer});
  auto t = create_api_token(*store_, "siem", "siem-export", kT0);
  auto last_used = [&] { return list_api_tokens(*store_, "siem")[0].last_used_at; };
  authenticate_token(*store_, t.token, kT0 + 1s, policy_);
  EXPECT_EQ(last_used(), "2026-11-27T09:00:01.000Z");
  authenticate_token(*store_, t.token, kT0 + 30s, policy_);
  EXPECT_EQ(last_used(), "2026-11-27T09:00:01.000Z");
  authenticate_token(*store_, t.token, kT0 + 61s, policy_);
  EXPECT_EQ(last_used(), "2026-11-27T09:01:01.000Z");
}

TEST_P(UserServiceTest, RevokedTokenAndDisabledUserAreRefused) {
  add("siem", {Role::reviewer});
  auto t = create_api_token(*store_, "siem", "siem-export", kT0);
  set_user_disabled(*store_, "siem", true, kT0);
  EXPECT_EQ(error_code([&] { authenticate_token(*store_, t.token, kT0, policy_); }), "auth_failed");
  set_user_disabled(*store_, "siem", false, kT0);
  EXPECT_EQ(authenticate_token(*store_, t.token, kT0, policy_).name, "siem");

  auto revoked = revoke_api_token(*store_, t.record.id, kT0 + 1h);
  EXPECT_EQ(revoked.revoked_at, "2026-11-27T10:00:00.000Z");
  EXPECT_EQ(error_code([&] { authenticate_token(*store_, t.token, kT0 + 2h, policy_); }),
            "auth_failed");
  // Revoking again keeps the first time.
  EXPECT_EQ(revoke_api_token(*store_, t.record.id, kT0 + 3h).revoked_at,
            "2026-11-27T10:00:00.000Z");
  EXPECT_EQ(error_code([&] { revoke_api_token(*store_, "no-such-id", kT0); }), "token_unknown");
}

// ---- sessions -----------------------------------------------------------------

TEST_P(UserServiceTest, SessionIsStoredHashedAndChecked) {
  add("anna");
  auto s = create_session(*store_, "anna", "192.0.2.1", kT0, 12h, policy_);
  EXPECT_EQ(base64url_decode(s.id).size(), 32u);
  EXPECT_EQ(s.csrf_token, csrf_token_of(s.id));  // derived: a reloaded page gets it again
  EXPECT_EQ(s.csrf_token.size(), 64u);
  EXPECT_NE(s.id, s.csrf_token);
  EXPECT_EQ(s.record.id_hash, to_hex(crypto::sha256(s.id)));
  EXPECT_EQ(s.record.csrf_token_hash, to_hex(crypto::sha256(s.csrf_token)));
  EXPECT_EQ(s.record.expires_at, "2026-11-27T21:00:00.000Z");
  EXPECT_EQ(s.record.remote, "192.0.2.1");
  EXPECT_FALSE(store_->read()->find_session(s.id));  // not stored in the clear

  auto c = check_session(*store_, s.id, kT0 + 1min, policy_);
  EXPECT_EQ(c.user.name, "anna");
  EXPECT_EQ(c.csrf_token_hash, s.record.csrf_token_hash);
  EXPECT_TRUE(csrf_matches(c, s.csrf_token));
  EXPECT_FALSE(csrf_matches(c, s.csrf_token + "x"));
  EXPECT_FALSE(csrf_matches(c, ""));
  EXPECT_EQ(error_code([&] { check_session(*store_, "nope", kT0, policy_); }),
            "auth_session_expired");
  EXPECT_EQ(error_code([&] { create_session(*store_, "ghost", "", kT0, 12h, policy_); }),
            "user_unknown");

  end_session(*store_, s.id);
  EXPECT_EQ(error_code([&] { check_session(*store_, s.id, kT0 + 2min, policy_); }),
            "auth_session_expired");
  end_session(*store_, s.id);  // already gone: fine
}

TEST_P(UserServiceTest, SessionIdleTimeout) {
  add("anna");
  auto s = create_session(*store_, "anna", "192.0.2.1", kT0, 12h, policy_);
  // Used every 29 minutes it stays alive for hours...
  TimePoint t = kT0;
  for (int i = 0; i < 10; ++i) {
    t += 29min;
    EXPECT_EQ(check_session(*store_, s.id, t, policy_).user.name, "anna") << i;
  }
  // ...but 30 minutes without use end it, and it is deleted.
  t += 30min;
  EXPECT_EQ(error_code([&] { check_session(*store_, s.id, t, policy_); }), "auth_session_expired");
  EXPECT_FALSE(store_->read()->find_session(s.record.id_hash));
}

// Issue #17, item 9: an open event stream re-checks its session every 30 s;
// that re-check is not a use, so a stream nobody looks at does not keep
// its session alive.
TEST_P(UserServiceTest, StreamRecheckDoesNotKeepASessionAlive) {
  add("anna");
  auto s = create_session(*store_, "anna", "192.0.2.1", kT0, 12h, policy_);
  TimePoint t = kT0;
  for (int i = 0; i < 59; ++i) {
    t += 30s;
    EXPECT_EQ(check_session(*store_, s.id, t, policy_, SessionUse::recheck).user.name, "anna") << i;
  }
  t += 30s;  // 30 minutes after the last real use
  EXPECT_EQ(error_code([&] { check_session(*store_, s.id, t, policy_, SessionUse::recheck); }),
            "auth_session_expired");
}

TEST_P(UserServiceTest, SessionAbsoluteTimeout) {
  add("anna");
  auto s = create_session(*store_, "anna", "192.0.2.1", kT0, 48h, policy_);
  EXPECT_EQ(s.record.expires_at, "2026-11-27T21:00:00.000Z");  // capped at 12 h
  TimePoint t = kT0;
  while (t + 20min < kT0 + 12h) {
    t += 20min;
    ASSERT_EQ(check_session(*store_, s.id, t, policy_).user.name, "anna");
  }
  EXPECT_EQ(error_code([&] { check_session(*store_, s.id, kT0 + 12h, policy_); }),
            "auth_session_expired");

  // A shorter ttl is kept, and purge removes what has passed its end.
  auto short_lived = create_session(*store_, "anna", "", kT0, 1h, policy_);
  auto long_lived = create_session(*store_, "anna", "", kT0, 12h, policy_);
  EXPECT_EQ(purge_expired_sessions(*store_, kT0 + 1h), 1);
  EXPECT_FALSE(store_->read()->find_session(short_lived.record.id_hash));
  EXPECT_TRUE(store_->read()->find_session(long_lived.record.id_hash));
}

TEST_P(UserServiceTest, SessionLastSeenIsWrittenAtMostOnceAMinute) {
  add("anna");
  auto s = create_session(*store_, "anna", "", kT0, 12h, policy_);
  auto seen = [&] { return store_->read()->find_session(s.record.id_hash)->last_seen_at; };
  check_session(*store_, s.id, kT0 + 30s, policy_);
  EXPECT_EQ(seen(), "2026-11-27T09:00:00.000Z");
  check_session(*store_, s.id, kT0 + 61s, policy_);
  EXPECT_EQ(seen(), "2026-11-27T09:01:01.000Z");
}

TEST_P(UserServiceTest, SessionOfADisabledUserEnds) {
  add("anna");
  auto s = create_session(*store_, "anna", "", kT0, 12h, policy_);
  set_user_disabled(*store_, "anna", true, kT0);
  EXPECT_EQ(error_code([&] { check_session(*store_, s.id, kT0 + 1min, policy_); }),
            "auth_disabled");
  set_user_disabled(*store_, "anna", false, kT0);
  EXPECT_EQ(error_code([&] { check_session(*store_, s.id, kT0 + 2min, policy_); }),
            "auth_session_expired");
}

// ---- audit trail ---------------------------------------------------------------

class UserAuditTest : public UserServiceTest {
 protected:
  std::vector<store::AuditRecord> entries() { return store_->read()->list_audit(0, 1000); }
  AuditCheck check() {
    return store_->snapshot([](store::Transaction& tx) { return verify_audit_trail(tx); });
  }
  // The one entry added since `before` entries, checked against the context.
  store::AuditRecord one_new(std::size_t before) {
    auto all = entries();
    EXPECT_EQ(all.size(), before + 1);
    if (all.size() != before + 1) return {};
    const auto& e = all.back();
    EXPECT_EQ(e.seq, static_cast<std::int64_t>(before) + 1);
    EXPECT_EQ(e.actor, ctx_.actor);
    EXPECT_EQ(e.source, ctx_.source);
    return e;
  }

  const AuditContext ctx_{"root.admin", "cli"};
};

TEST_P(UserAuditTest, EachAccountChangeLeavesOneEntry) {
  struct Expect {
    std::string action, target, detail;
  };
  std::vector<Expect> seen;
  auto expect = [&](const std::string& action, const std::string& target,
                    const std::string& detail) {
    auto e = one_new(seen.size());
    EXPECT_EQ(e.action, action);
    EXPECT_EQ(e.target, target) << action;
    EXPECT_EQ(e.detail, detail) << action;
    EXPECT_EQ(e.at, format_timestamp(kT0)) << action;
    seen.push_back({action, target, detail});
    return e;
  };

  add_user(*store_, "anna", "Anna", {Role::supervisor, Role::operator_}, kPassword, kT0, policy_,
           &ctx_);
  expect("user.add", "anna", "operator,supervisor");
  set_user_disabled(*store_, "anna", true, kT0, &ctx_);
  expect("user.disable", "anna", "");
  set_user_disabled(*store_, "anna", false, kT0, &ctx_);
  expect("user.enable", "anna", "");
  const std::string new_password = "a brand new passphrase";
  set_password(*store_, "anna", new_password, kT0, policy_, &ctx_);
  auto e = expect("user.password", "anna", "");
  EXPECT_EQ(e.detail.find(new_password), std::string::npos);
  set_roles(*store_, "anna", {Role::reviewer, Role::admin}, kT0, &ctx_);
  expect("user.roles", "anna", "admin,reviewer");

  auto setup = enable_totp(*store_, "anna", "Hotline Test", kT0, &ctx_);
  expect("user.totp_enable", "anna", "");
  confirm_totp(*store_, "anna", crypto::totp(crypto::base32_decode(setup.secret), kT0), kT0, &ctx_);
  expect("user.totp_confirm", "anna", "");
  disable_totp(*store_, "anna", kT0, &ctx_);
  expect("user.totp_disable", "anna", "");

  auto t = create_api_token(*store_, "anna", "siem export", kT0, &ctx_);
  e = expect("token.create", "anna",
             "id=" + t.record.id + " label=siem export expires=2027-02-25T09:00:00.000Z");
  EXPECT_EQ(e.detail.find(t.token.substr(3)), std::string::npos);
  revoke_api_token(*store_, t.record.id, kT0, &ctx_);
  expect("token.revoke", "anna", "id=" + t.record.id);
  // Revoking again changes nothing and records nothing.
  revoke_api_token(*store_, t.record.id, kT0 + 1h, &ctx_);
  EXPECT_EQ(entries().size(), seen.size());

  // No secret of any kind ends up in the trail.
  for (const auto& r : entries()) {
    for (const std::string& secret : {kPassword, new_password, setup.secret, t.token}) {
      EXPECT_EQ(r.detail.find(secret), std::string::npos) << r.action;
      EXPECT_EQ(r.target.find(secret), std::string::npos) << r.action;
    }
  }
  auto c = check();
  EXPECT_TRUE(c.ok) << c.problem;
  EXPECT_EQ(c.entries, static_cast<std::int64_t>(seen.size()));
}

TEST_P(UserAuditTest, FailedChangesLeaveNoEntry) {
  add("anna");                                                // no context: no entry
  auto setup = enable_totp(*store_, "anna", "Hotline", kT0);  // likewise
  create_api_token(*store_, "anna", "x", kT0);
  ASSERT_TRUE(entries().empty());

  auto fails = [&](const std::string& code, auto&& fn) {
    EXPECT_EQ(error_code(fn), code);
    EXPECT_TRUE(entries().empty()) << code;
  };
  fails("user_invalid",
        [&] { add_user(*store_, "Bad", "", {Role::admin}, kPassword, kT0, policy_, &ctx_); });
  fails("role_invalid", [&] { add_user(*store_, "bert", "", {}, kPassword, kT0, policy_, &ctx_); });
  fails("password_weak",
        [&] { add_user(*store_, "bert", "", {Role::admin}, "short", kT0, policy_, &ctx_); });
  fails("user_exists",
        [&] { add_user(*store_, "anna", "", {Role::admin}, kPassword, kT0, policy_, &ctx_); });
  fails("user_unknown", [&] { set_user_disabled(*store_, "ghost", true, kT0, &ctx_); });
  fails("user_unknown", [&] { set_user_disabled(*store_, "ghost", false, kT0, &ctx_); });
  fails("password_weak", [&] { set_password(*store_, "anna", "short", kT0, policy_, &ctx_); });
  fails("user_unknown", [&] { set_password(*store_, "ghost", kPassword, kT0, policy_, &ctx_); });
  fails("role_invalid", [&] { set_roles(*store_, "anna", {}, kT0, &ctx_); });
  fails("user_unknown", [&] { set_roles(*store_, "ghost", {Role::admin}, kT0, &ctx_); });
  fails("user_unknown", [&] { enable_totp(*store_, "ghost", "Hotline", kT0, &ctx_); });
  fails("auth_totp_invalid", [&] { confirm_totp(*store_, "anna", "000000x", kT0, &ctx_); });
  fails("user_unknown", [&] { confirm_totp(*store_, "ghost", "000000", kT0, &ctx_); });
  fails("user_unknown", [&] { disable_totp(*store_, "ghost", kT0, &ctx_); });
  fails("user_unknown", [&] { create_api_token(*store_, "ghost", "x", kT0, &ctx_); });
  fails("token_invalid", [&] { create_api_token(*store_, "anna", "", kT0, &ctx_); });
  fails("token_unknown", [&] { revoke_api_token(*store_, "no-such-id", kT0, &ctx_); });
  // The failed confirmation left the set-up pending; without one, it fails too.
  EXPECT_EQ(get_user(*store_, "anna").totp_pending, setup.secret);
  disable_totp(*store_, "anna", kT0);
  fails("totp_not_pending", [&] { confirm_totp(*store_, "anna", "000000", kT0, &ctx_); });

  auto c = check();
  EXPECT_TRUE(c.ok) << c.problem;
  EXPECT_EQ(c.entries, 0);
}

// Issue #17, item 8: the reason of a failed sign-in is in the audit trail
// (and only there), as is each success; a name that is not a possible user
// name is not recorded as typed.
TEST_P(UserAuditTest, SignInsAndTheirFailuresAreRecorded) {
  add("anna");
  const AuditContext api{"", "api 192.0.2.1"};
  auto sign_in = [&](const std::string& name, const std::string& password) {
    return error_code([&] {
      authenticate(*store_, guard_, name, password, std::nullopt, "192.0.2.1", kT0, policy_, &api);
    });
  };
  EXPECT_EQ(sign_in("anna", "wrong password!!"), "auth_failed");
  EXPECT_EQ(sign_in("nobody", kPassword), "auth_failed");
  EXPECT_EQ(sign_in("Bad\x1b[31mName", kPassword), "auth_failed");
  EXPECT_EQ(sign_in("anna", kPassword), "none");
  auto all = entries();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].action, "user.sign_in_failed");
  EXPECT_EQ(all[0].target, "anna");
  EXPECT_EQ(all[0].detail, "wrong password");
  EXPECT_EQ(all[0].source, "api 192.0.2.1");
  EXPECT_EQ(all[1].target, "nobody");
  EXPECT_EQ(all[1].detail, "no such account");
  EXPECT_EQ(all[2].target, "(not a user name)");
  EXPECT_EQ(all[3].action, "user.sign_in");
  EXPECT_EQ(all[3].target, "anna");
  auto c = check();
  EXPECT_TRUE(c.ok) << c.problem;
}

HOTLINE_BOTH_STORES(UserServiceTest);
HOTLINE_BOTH_STORES(UserAuditTest);

}  // namespace user_service_test
}  // namespace hotline::service
