// The accounts tables: users (unique names, full updates, roles as a list),
// API tokens (unique hashes, per-user listing, updates) and sessions (touch,
// delete, expiry sweep), failed sign-ins, and the schema's refusals.
#include "store_test_util.h"

namespace hotline::store::testing {
namespace user_tables_test {

using UserTablesTest = StoreTest;

UserRecord user(const std::string& name) {
  UserRecord u;
  u.name = name;
  u.display_name = "Display " + name;
  u.roles = {"operator", "supervisor"};
  u.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
  u.created_at = "2026-11-27T09:00:00.000Z";
  u.updated_at = "2026-11-27T09:00:00.000Z";
  return u;
}

ApiTokenRecord token(const std::string& id, const std::string& owner, const std::string& created) {
  ApiTokenRecord t;
  t.id = id;
  t.user = owner;
  t.name = "label " + id;
  t.token_hash = std::string(63, 'a') + id.back();
  t.created_at = created;
  return t;
}

SessionRecord session(const std::string& id_hash, const std::string& owner,
                      const std::string& expires) {
  SessionRecord s;
  s.id_hash = id_hash;
  s.user = owner;
  s.csrf_token_hash = "c" + id_hash;
  s.created_at = "2026-11-27T09:00:00.000Z";
  s.expires_at = expires;
  s.last_seen_at = "2026-11-27T09:00:00.000Z";
  s.remote = "192.0.2.7";
  return s;
}

TEST_P(UserTablesTest, UsersAreInsertedFoundListedAndUpdated) {
  store_->transact([](Transaction& tx) {
    tx.insert_user(user("zoe"));
    tx.insert_user(user("anna.k"));
  });
  auto found = store_->read()->find_user("anna.k");
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, user("anna.k"));
  EXPECT_EQ(found->roles, (std::vector<std::string>{"operator", "supervisor"}));
  EXPECT_FALSE(found->totp_secret);
  EXPECT_FALSE(found->disabled);
  EXPECT_FALSE(store_->read()->find_user("nobody"));
  EXPECT_FALSE(store_->read()->find_user("Anna.K"));  // names are exact

  auto all = store_->snapshot([](Transaction& tx) { return tx.list_users(); });
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "anna.k");
  EXPECT_EQ(all[1].name, "zoe");

  // put_user replaces every field, optional ones included.
  UserRecord changed = user("anna.k");
  changed.display_name = "Anna Kowalska";
  changed.roles = {"admin"};
  changed.password_hash = "$argon2id$new";
  changed.totp_secret = "JBSWY3DPEHPK3PXP";
  changed.totp_pending = "MZXW6YTBOI";
  changed.totp_last_step = 60000000;
  changed.disabled = true;
  changed.failed_logins = 3;
  changed.locked_until = "2026-11-27T09:15:00.000Z";
  changed.updated_at = "2026-11-27T09:05:00.000Z";
  EXPECT_TRUE(store_->transact([&](Transaction& tx) { return tx.put_user(changed); }));
  EXPECT_EQ(*store_->read()->find_user("anna.k"), changed);
  changed.totp_secret.reset();
  changed.totp_pending.reset();
  changed.locked_until.reset();
  changed.roles = {};
  EXPECT_TRUE(store_->transact([&](Transaction& tx) { return tx.put_user(changed); }));
  EXPECT_EQ(*store_->read()->find_user("anna.k"), changed);
  // Another user is untouched; an unknown one is reported.
  EXPECT_EQ(*store_->read()->find_user("zoe"), user("zoe"));
  EXPECT_FALSE(store_->transact([](Transaction& tx) { return tx.put_user(user("ghost")); }));
  EXPECT_FALSE(store_->read()->find_user("ghost"));
}

TEST_P(UserTablesTest, DuplicateUserNameIsRefusedAndChangesNothing) {
  store_->transact([](Transaction& tx) { tx.insert_user(user("anna")); });
  UserRecord other = user("anna");
  other.display_name = "Someone else";
  EXPECT_EQ(error_code([&] { store_->transact([&](Transaction& tx) { tx.insert_user(other); }); }),
            "store_duplicate");
  EXPECT_EQ(store_->read()->find_user("anna")->display_name, "Display anna");
  // The transaction stays usable after a refusal (store.h).
  store_->transact([&](Transaction& tx) {
    EXPECT_EQ(error_code([&] { tx.insert_user(other); }), "store_duplicate");
    tx.insert_user(user("bert"));
  });
  EXPECT_TRUE(store_->read()->find_user("bert"));
}

TEST_P(UserTablesTest, UserSchemaRefusesBadRecords) {
  EXPECT_EQ(
      error_code([&] { store_->transact([](Transaction& tx) { tx.insert_user(user("")); }); }),
      "store_invalid");
  EXPECT_EQ(error_code([&] {
              store_->transact([](Transaction& tx) { tx.insert_user(user(std::string(65, 'a'))); });
            }),
            "store_invalid");
  UserRecord bad_role = user("carl");
  bad_role.roles = {"operator,admin"};
  EXPECT_EQ(
      error_code([&] { store_->transact([&](Transaction& tx) { tx.insert_user(bad_role); }); }),
      "store_invalid");
  UserRecord bad_failures = user("dora");
  bad_failures.failed_logins = -1;
  EXPECT_EQ(
      error_code([&] { store_->transact([&](Transaction& tx) { tx.insert_user(bad_failures); }); }),
      "store_invalid");
  EXPECT_TRUE(store_->read()->list_users().empty());
  EXPECT_EQ(error_code([&] { store_->read()->insert_user(user("x")); }), "store_read_only");
}

TEST_P(UserTablesTest, ApiTokensAreStoredByHashListedAndUpdated) {
  store_->transact([](Transaction& tx) {
    tx.insert_user(user("anna"));
    tx.insert_user(user("bert"));
    tx.insert_api_token(token("t2", "anna", "2026-11-27T09:00:02.000Z"));
    tx.insert_api_token(token("t1", "bert", "2026-11-27T09:00:01.000Z"));
    tx.insert_api_token(token("t3", "anna", "2026-11-27T09:00:03.000Z"));
  });
  auto by_hash = store_->read()->find_api_token_by_hash(token("t3", "", "").token_hash);
  ASSERT_TRUE(by_hash);
  EXPECT_EQ(*by_hash, token("t3", "anna", "2026-11-27T09:00:03.000Z"));
  EXPECT_FALSE(store_->read()->find_api_token_by_hash(std::string(64, 'f')));

  auto all = store_->read()->list_api_tokens("");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "t1");
  EXPECT_EQ(all[2].id, "t3");
  auto annas = store_->read()->list_api_tokens("anna");
  ASSERT_EQ(annas.size(), 2u);
  EXPECT_EQ(annas[0].id, "t2");
  EXPECT_TRUE(store_->read()->list_api_tokens("nobody").empty());

  ApiTokenRecord used = annas[0];
  used.last_used_at = "2026-11-27T10:00:00.000Z";
  used.revoked_at = "2026-11-27T11:00:00.000Z";
  used.name = "renamed";
  EXPECT_TRUE(store_->transact([&](Transaction& tx) { return tx.put_api_token(used); }));
  EXPECT_EQ(*store_->read()->find_api_token_by_hash(used.token_hash), used);
  ApiTokenRecord ghost = token("t9", "anna", "2026-11-27T09:00:00.000Z");
  EXPECT_FALSE(store_->transact([&](Transaction& tx) { return tx.put_api_token(ghost); }));
}

TEST_P(UserTablesTest, ApiTokensNeedAUserAndUniqueIdsAndHashes) {
  store_->transact([](Transaction& tx) { tx.insert_user(user("anna")); });
  EXPECT_EQ(error_code([&] {
              store_->transact([](Transaction& tx) {
                tx.insert_api_token(token("t1", "ghost", "2026-11-27T09:00:00.000Z"));
              });
            }),
            "store_missing_reference");
  store_->transact([](Transaction& tx) {
    tx.insert_api_token(token("t1", "anna", "2026-11-27T09:00:00.000Z"));
  });
  ApiTokenRecord same_id = token("t1", "anna", "2026-11-27T09:00:00.000Z");
  same_id.token_hash = std::string(64, 'b');
  EXPECT_EQ(
      error_code([&] { store_->transact([&](Transaction& tx) { tx.insert_api_token(same_id); }); }),
      "store_duplicate");
  ApiTokenRecord same_hash = token("x1", "anna", "2026-11-27T09:00:00.000Z");
  EXPECT_EQ(same_hash.token_hash, token("t1", "", "").token_hash);
  EXPECT_EQ(error_code([&] {
              store_->transact([&](Transaction& tx) { tx.insert_api_token(same_hash); });
            }),
            "store_duplicate");
  EXPECT_EQ(store_->read()->list_api_tokens("").size(), 1u);
}

TEST_P(UserTablesTest, SessionsAreFoundTouchedDeletedAndSweptWhenExpired) {
  store_->transact([](Transaction& tx) {
    tx.insert_user(user("anna"));
    tx.insert_session(session("s1", "anna", "2026-11-27T12:00:00.000Z"));
    tx.insert_session(session("s2", "anna", "2026-11-27T13:00:00.000Z"));
    tx.insert_session(session("s3", "anna", "2026-11-27T14:00:00.000Z"));
  });
  auto s1 = store_->read()->find_session("s1");
  ASSERT_TRUE(s1);
  EXPECT_EQ(*s1, session("s1", "anna", "2026-11-27T12:00:00.000Z"));
  EXPECT_FALSE(store_->read()->find_session("nope"));

  EXPECT_TRUE(store_->transact(
      [](Transaction& tx) { return tx.touch_session("s2", "2026-11-27T09:10:00.000Z"); }));
  EXPECT_EQ(store_->read()->find_session("s2")->last_seen_at, "2026-11-27T09:10:00.000Z");
  EXPECT_FALSE(store_->transact(
      [](Transaction& tx) { return tx.touch_session("nope", "2026-11-27T09:10:00.000Z"); }));

  // Expired means expires_at <= now: s1 exactly at now, s2 before.
  EXPECT_EQ(store_->transact([](Transaction& tx) {
    return tx.delete_expired_sessions("2026-11-27T13:00:00.000Z");
  }),
            2);
  EXPECT_FALSE(store_->read()->find_session("s1"));
  EXPECT_FALSE(store_->read()->find_session("s2"));
  EXPECT_TRUE(store_->read()->find_session("s3"));

  EXPECT_TRUE(store_->transact([](Transaction& tx) { return tx.delete_session("s3"); }));
  EXPECT_FALSE(store_->transact([](Transaction& tx) { return tx.delete_session("s3"); }));
  EXPECT_FALSE(store_->read()->find_session("s3"));
}

// Failed sign-ins (service/sign_in_guard.h): an upsert on (account,
// source), found, deleted, pruned by age and then by count, oldest first.
TEST_P(UserTablesTest, SignInFailuresAreUpsertedFoundDeletedAndPruned) {
  auto rec = [](const std::string& account, const std::string& source, std::int64_t n,
                const std::string& at) {
    return SignInFailureRecord{account, source, n, at};
  };
  store_->transact([&](Transaction& tx) {
    tx.put_sign_in_failure(rec("anna", "192.0.2.7", 1, "2026-11-27T09:00:00.000Z"));
    tx.put_sign_in_failure(rec("anna", "", 1, "2026-11-27T09:00:00.000Z"));
    tx.put_sign_in_failure(rec("bob", "2001:db8::", 1, "2026-11-27T09:01:00.000Z"));
    tx.put_sign_in_failure(rec("carl", "192.0.2.9", 1, "2026-11-27T09:02:00.000Z"));
    tx.put_sign_in_failure(rec("anna", "192.0.2.7", 2, "2026-11-27T09:03:00.000Z"));  // again
  });
  EXPECT_EQ(*store_->read()->find_sign_in_failure("anna", "192.0.2.7"),
            rec("anna", "192.0.2.7", 2, "2026-11-27T09:03:00.000Z"));
  EXPECT_FALSE(store_->read()->find_sign_in_failure("anna", "192.0.2.8"));
  EXPECT_EQ(store_->read()->count_sign_in_failures(), 4);

  EXPECT_TRUE(store_->transact(
      [](Transaction& tx) { return tx.delete_sign_in_failure("bob", "2001:db8::"); }));
  EXPECT_FALSE(store_->transact(
      [](Transaction& tx) { return tx.delete_sign_in_failure("bob", "2001:db8::"); }));
  // Before 09:01 goes (anna's total); then beyond 1 row the oldest (carl).
  EXPECT_EQ(store_->transact([](Transaction& tx) {
    return tx.prune_sign_in_failures("2026-11-27T09:01:00.000Z", 1);
  }),
            2);
  EXPECT_EQ(store_->read()->count_sign_in_failures(), 1);
  EXPECT_TRUE(store_->read()->find_sign_in_failure("anna", "192.0.2.7"));
}

TEST_P(UserTablesTest, SessionsNeedAUserAndAUniqueId) {
  EXPECT_EQ(error_code([&] {
              store_->transact([](Transaction& tx) {
                tx.insert_session(session("s1", "ghost", "2026-11-27T12:00:00.000Z"));
              });
            }),
            "store_missing_reference");
  store_->transact([](Transaction& tx) {
    tx.insert_user(user("anna"));
    tx.insert_session(session("s1", "anna", "2026-11-27T12:00:00.000Z"));
  });
  EXPECT_EQ(error_code([&] {
              store_->transact([](Transaction& tx) {
                tx.insert_session(session("s1", "anna", "2026-11-27T15:00:00.000Z"));
              });
            }),
            "store_duplicate");
  EXPECT_EQ(store_->read()->find_session("s1")->expires_at, "2026-11-27T12:00:00.000Z");
}

// Refusals leave the transaction usable on both stores (on PostgreSQL a
// failed statement would spoil it: the table code must avoid the error).
TEST_P(UserTablesTest, RefusalsLeaveTheTransactionUsable) {
  store_->transact([](Transaction& tx) {
    tx.insert_user(user("anna"));
    tx.insert_api_token(token("t1", "anna", "2026-11-27T09:00:00.000Z"));
    tx.insert_session(session("s1", "anna", "2026-11-27T12:00:00.000Z"));
  });
  store_->transact([](Transaction& tx) {
    EXPECT_EQ(error_code([&] { tx.insert_user(user("anna")); }), "store_duplicate");
    EXPECT_EQ(error_code([&] { tx.insert_user(user("")); }), "store_invalid");
    EXPECT_EQ(
        error_code([&] { tx.insert_api_token(token("t2", "ghost", "2026-11-27T09:00:00.000Z")); }),
        "store_missing_reference");
    EXPECT_EQ(
        error_code([&] { tx.insert_api_token(token("t1", "anna", "2026-11-27T09:00:00.000Z")); }),
        "store_duplicate");
    EXPECT_EQ(
        error_code([&] { tx.insert_session(session("s2", "ghost", "2026-11-27T12:00:00.000Z")); }),
        "store_missing_reference");
    EXPECT_EQ(
        error_code([&] { tx.insert_session(session("s1", "anna", "2026-11-27T13:00:00.000Z")); }),
        "store_duplicate");
    UserRecord bad = user("anna");
    bad.failed_logins = -2;
    EXPECT_EQ(error_code([&] { tx.put_user(bad); }), "store_invalid");
    tx.insert_user(user("bert"));
    tx.insert_api_token(token("t2", "bert", "2026-11-27T09:00:01.000Z"));
    tx.insert_session(session("s2", "bert", "2026-11-27T12:00:00.000Z"));
  });
  EXPECT_TRUE(store_->read()->find_user("bert"));
  EXPECT_EQ(store_->read()->list_api_tokens("").size(), 2u);
  EXPECT_EQ(store_->read()->find_session("s2")->user, "bert");
  EXPECT_EQ(store_->read()->find_session("s1")->expires_at, "2026-11-27T12:00:00.000Z");
  EXPECT_EQ(store_->read()->find_user("anna")->failed_logins, 0);
}

// Expiry and read-only flag; a read-only token without an expiry keeps the
// farthest time (as the SQLite store's api_token_limits always did).
TEST_P(UserTablesTest, TokenLimitsRoundTrip) {
  store_->transact([](Transaction& tx) {
    tx.insert_user(user("anna"));
    ApiTokenRecord a = token("t1", "anna", "2026-11-27T09:00:01.000Z");
    a.expires_at = "2027-11-27T09:00:01.000Z";
    a.read_only = true;
    tx.insert_api_token(a);
    ApiTokenRecord b = token("t2", "anna", "2026-11-27T09:00:02.000Z");
    b.read_only = true;
    tx.insert_api_token(b);
    ApiTokenRecord c = token("t3", "anna", "2026-11-27T09:00:03.000Z");
    c.expires_at = "2026-12-27T09:00:03.000Z";
    tx.insert_api_token(c);
    tx.insert_api_token(token("t4", "anna", "2026-11-27T09:00:04.000Z"));
  });
  auto all = store_->read()->list_api_tokens("anna");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].expires_at, "2027-11-27T09:00:01.000Z");
  EXPECT_TRUE(all[0].read_only);
  EXPECT_EQ(all[1].expires_at, "9999-12-31T23:59:59.999Z");
  EXPECT_TRUE(all[1].read_only);
  EXPECT_EQ(all[2].expires_at, "2026-12-27T09:00:03.000Z");
  EXPECT_FALSE(all[2].read_only);
  EXPECT_EQ(all[3].expires_at, std::nullopt);
  EXPECT_FALSE(all[3].read_only);
  // put_api_token changes the label and times, never the limits.
  ApiTokenRecord changed = all[0];
  changed.expires_at.reset();
  changed.read_only = false;
  changed.last_used_at = "2026-11-28T09:00:00.000Z";
  EXPECT_TRUE(store_->transact([&](Transaction& tx) { return tx.put_api_token(changed); }));
  EXPECT_EQ(*store_->read()->find_api_token_by_hash(changed.token_hash)->last_used_at,
            "2026-11-28T09:00:00.000Z");
  EXPECT_TRUE(store_->read()->find_api_token_by_hash(changed.token_hash)->read_only);
}

// Names count in characters (UTF-8), and lists sort by bytes, whatever the
// PostgreSQL database's collation.
TEST_P(UserTablesTest, NamesCountCharactersAndSortByBytes) {
  std::string u64, u65;
  for (int i = 0; i < 64; ++i) u64 += "\xc3\xbc";  // ü
  u65 = u64 + "\xc3\xbc";
  store_->transact([&](Transaction& tx) {
    tx.insert_user(user(u64));
    for (const char* name : {"aa", "a_b", "B", "a.b", "a-b", "a"}) tx.insert_user(user(name));
  });
  EXPECT_EQ(
      error_code([&] { store_->transact([&](Transaction& tx) { tx.insert_user(user(u65)); }); }),
      "store_invalid");
  std::vector<std::string> names;
  for (const auto& u : store_->read()->list_users()) names.push_back(u.name);
  EXPECT_EQ(names, (std::vector<std::string>{"B", "a", "a-b", "a.b", "a_b", "aa", u64}));
}

// delete_user_sessions ends all of a user's sessions but the one kept.
TEST_P(UserTablesTest, UserSessionsEndExceptTheOneKept) {
  store_->transact([](Transaction& tx) {
    tx.insert_user(user("anna"));
    tx.insert_user(user("bert"));
    tx.insert_session(session("s1", "anna", "2026-11-27T12:00:00.000Z"));
    tx.insert_session(session("s2", "anna", "2026-11-27T12:00:00.000Z"));
    tx.insert_session(session("s3", "anna", "2026-11-27T12:00:00.000Z"));
    tx.insert_session(session("s4", "bert", "2026-11-27T12:00:00.000Z"));
  });
  EXPECT_EQ(store_->transact([](Transaction& tx) { return tx.delete_user_sessions("anna", "s2"); }),
            2);
  EXPECT_FALSE(store_->read()->find_session("s1"));
  EXPECT_TRUE(store_->read()->find_session("s2"));
  EXPECT_TRUE(store_->read()->find_session("s4"));
  EXPECT_EQ(store_->transact([](Transaction& tx) { return tx.delete_user_sessions("anna", ""); }),
            1);
  EXPECT_FALSE(store_->read()->find_session("s2"));
}

HOTLINE_BOTH_STORES(UserTablesTest);

}  // namespace user_tables_test
}  // namespace hotline::store::testing

namespace hotline::store::testing {
namespace user_tables_test {

// Issue #17, item 9: with a key, the TOTP seeds and the webhook secret are
// stored sealed, read back in clear, and those stored in clear before are
// sealed when the store opens.
TEST(SealedSecrets, StoredSealedReadInClearAndOldOnesSealedAtOpening) {
  TempDir dir;
  crypto::SecretKey key{};
  key.fill(7);
  auto with_totp = [](const std::string& name) {
    UserRecord u = user(name);
    u.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    u.totp_pending = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";
    return u;
  };
  {  // an older version: no key, everything in clear
    auto plain = open_sqlite(dir.db());
    plain->transact([&](Transaction& tx) {
      tx.insert_user(with_totp("old"));
      tx.put_setting("webhook.secret", "an old webhook secret of 32 bytes or more");
    });
  }
  SqliteOptions sealed_options;
  sealed_options.secret_key = key;
  {
    auto sealed = open_sqlite(dir.db(), sealed_options);
    sealed->transact([&](Transaction& tx) { tx.insert_user(with_totp("new")); });
    EXPECT_EQ(*sealed->read()->find_user("old"), with_totp("old"));
    EXPECT_EQ(*sealed->read()->find_user("new"), with_totp("new"));
    EXPECT_EQ(sealed->read()->get_setting("webhook.secret"),
              "an old webhook secret of 32 bytes or more");
  }
  // What is on disk: sealed, every one of them.
  auto raw = open_sqlite(dir.db());
  for (const char* name : {"old", "new"}) {
    auto u = raw->read()->find_user(name);
    ASSERT_TRUE(u);
    EXPECT_TRUE(crypto::is_sealed(*u->totp_secret)) << name << ": " << *u->totp_secret;
    EXPECT_TRUE(crypto::is_sealed(*u->totp_pending)) << name;
    EXPECT_EQ(u->totp_secret->find("JBSWY3DP"), std::string::npos);
  }
  EXPECT_TRUE(crypto::is_sealed(*raw->read()->get_setting("webhook.secret")));
  // Another key does not open them.
  SqliteOptions other;
  other.secret_key = crypto::SecretKey{};
  auto wrong = open_sqlite(dir.db(), other);
  try {
    wrong->read()->find_user("old");
    ADD_FAILURE() << "a wrong key opened a sealed secret";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "secret_corrupt");
  }
}

}  // namespace user_tables_test
}  // namespace hotline::store::testing

namespace hotline::store::testing {
namespace user_tables_test {

// The PostgreSQL store seals the TOTP seeds and the webhook secret as the
// SQLite one does. (It has no older version that stored them in clear, so
// it has no sealing pass at opening.)
TEST(SealedSecretsPostgres, StoredSealedReadInClear) {
  hotline::testing::PgTestDatabase db;
  PostgresOptions options;
  options.conninfo = db.conninfo();
  options.secret_key = crypto::SecretKey{};
  options.secret_key->fill(7);
  UserRecord u = user("anna");
  u.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  u.totp_pending = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";
  {
    auto store = open_postgres(options);
    store->transact([&](Transaction& tx) {
      tx.insert_user(u);
      tx.put_setting("webhook.secret", "a webhook secret of 32 bytes or more");
    });
    EXPECT_EQ(*store->read()->find_user("anna"), u);
    EXPECT_EQ(store->read()->list_users().at(0), u);
    EXPECT_EQ(store->read()->get_setting("webhook.secret"), "a webhook secret of 32 bytes or more");
    UserRecord changed = u;
    changed.totp_pending.reset();
    changed.totp_secret = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";
    store->transact([&](Transaction& tx) { tx.put_user(changed); });
    EXPECT_EQ(*store->read()->find_user("anna"), changed);
  }
  const std::string secret = db.sql("SELECT totp_secret FROM users WHERE name = 'anna'");
  EXPECT_TRUE(crypto::is_sealed(secret)) << secret;
  EXPECT_EQ(db.sql("SELECT count(*) FROM users WHERE totp_pending IS NULL"), "1");
  EXPECT_TRUE(crypto::is_sealed(db.sql("SELECT value FROM settings WHERE key = 'webhook.secret'")));
  // Another key does not open them.
  options.secret_key->fill(8);
  auto wrong = open_postgres(options);
  EXPECT_EQ(error_code([&] { wrong->read()->find_user("anna"); }), "secret_corrupt");
}

}  // namespace user_tables_test
}  // namespace hotline::store::testing

namespace hotline::store::testing {
namespace user_tables_test {

// A NUL byte in a text is kept by SQLite; PostgreSQL cannot store one, so
// it is refused there (and the transaction goes on). Never cut short.
TEST_P(UserTablesTest, TextWithANulByteIsKeptOrRefusedNeverCut) {
  UserRecord u = user("anna");
  u.display_name = std::string("Anna\0K", 6);
  store_->transact([&](Transaction& tx) {
    const std::string code = error_code([&] { tx.insert_user(u); });
    EXPECT_EQ(code, postgres() ? "store_invalid" : "none");
    tx.insert_user(user("bert"));
  });
  auto found = store_->read()->find_user("anna");
  if (postgres()) {
    EXPECT_FALSE(found);
  } else {
    ASSERT_TRUE(found);
    EXPECT_EQ(found->display_name, u.display_name);
  }
  EXPECT_TRUE(store_->read()->find_user("bert"));
}

}  // namespace user_tables_test
}  // namespace hotline::store::testing
