// Key rotation and compromise between two real nodes (docs/operations.md,
// "Key rotation" and "After a key compromise"; docs/protocol.md §1.1, §5.2):
//  - `hotline key rotate` while desk messages stream both ways: nothing is
//    lost or refused, the peer pins the new key after its own check and
//    says so, and `hotline ledger verify` passes on both nodes;
//  - after the overlap, an envelope signed with the old key is refused;
//  - `hotline key revoke` on the compromised node, the fingerprint "read by
//    phone", `hotline peer rekey` on the peer: from then on an envelope
//    signed with the revoked key is refused with a clear error, and the
//    older envelopes still verify.
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>

#include "hotline/link/key_history.h"
#include "hotline/service/desk_service.h"
#include "hotline/service/key_service.h"
#include "hotline/tls/context.h"
#include "link_harness.h"

namespace hotline::it {
namespace key_rotation_test {

// Whether a peer-link TLS connection to 127.0.0.1:port made with `as`
// (pinning `server`) gets an HTTP answer: in TLS 1.3 a server that refuses
// the client's certificate says so after the client's side of the
// handshake, on the first read.
bool peer_tls_answers(std::uint16_t port, const crypto::KeyPair& as,
                      const crypto::PublicKey& server) {
  tls::Ed25519Seed seed{};
  std::copy(as.seed().begin(), as.seed().end(), seed.begin());
  auto ctx = tls::peer_client_context(seed, "probe", server.bytes);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool answered = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    SSL* ssl = SSL_new(ctx.native());
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1) {
      const std::string req = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      char buf[256];
      answered = SSL_write(ssl, req.data(), static_cast<int>(req.size())) > 0 &&
                 SSL_read(ssl, buf, sizeof buf) > 0;
    }
    SSL_free(ssl);
  }
  ::close(fd);
  return answered;
}

// The auditor's checker (tests/auditor/check_export.py), found from this
// file's path as tests/integration/ledger_redaction_test.cpp does.
fs::path checker_script() {
  const fs::path rel =
      fs::path(__FILE__).parent_path().parent_path() / "auditor" / "check_export.py";
  if (rel.is_absolute()) return rel;
  for (fs::path p = fs::path(hotline_bin()).parent_path(); p.has_relative_path();
       p = p.parent_path()) {
    std::error_code ec;
    if (fs::exists((p / rel).lexically_normal(), ec)) return (p / rel).lexically_normal();
  }
  return rel;
}

class KeyRotation : public TwoNodes {
 protected:
  // A python3 with PyNaCl (the checker needs it), or "".
  std::string python_with_nacl() {
    for (const char* py : {"/usr/bin/python3", "/usr/local/bin/python3"}) {
      std::error_code ec;
      if (!fs::exists(py, ec)) continue;
      if (testing::run({py, "-c", "import nacl.signing"}, scratch() / "py-probe", 30s).exit_code ==
          0)
        return py;
    }
    return "";
  }

  // The side's ledger export passes the auditor's own checker (which knows
  // nothing of the node's code), pinned to the side's key before rotation.
  void expect_auditor_accepts(Side s, const std::string& pinned_key) {
    const std::string py = python_with_nacl();
    if (py.empty()) {
      std::printf("[key rotation] no python3 with PyNaCl: the auditor's checker was not run\n");
      return;
    }
    const fs::path out = scratch() / (node(s).name + "-export.ndjson");
    ok(s, {"ledger", "export", "--out", out.string()});
    auto c = testing::run({py, checker_script().string(), out.string(), "--key", pinned_key},
                          scratch() / (node(s).name + "-checker"), 120s);
    EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
  }

  std::vector<store::EventRecord> events(Side s, const std::string& kind) {
    auto node = service::open_node(dir(s));
    auto all =
        node.store->snapshot([](store::Transaction& tx) { return tx.list_events(0, 100000); });
    std::vector<store::EventRecord> out;
    for (auto& e : all) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }

  bool wait_event(Side s, const std::string& kind, const std::string& part = "",
                  std::chrono::milliseconds timeout = 30s) {
    return testing::eventually(
        [&] {
          for (const auto& e : events(s, kind)) {
            if (e.detail.find(part) != std::string::npos) return true;
          }
          return false;
        },
        timeout);
  }

  // Inbound desk messages of `s` from its peer, in seq order.
  std::vector<std::string> inbound_texts(Side s) {
    auto node = service::open_node(dir(s));
    auto link = link_of(*node.store, peer_name_of(s));
    auto all = node.store->snapshot(
        [&](store::Transaction& tx) { return tx.list_desk_messages(link, 10'000'000); });
    std::vector<store::DeskMessageRecord> in;
    for (auto& m : all) {
      if (m.direction == store::Direction::inbound) in.push_back(std::move(m));
    }
    std::stable_sort(in.begin(), in.end(),
                     [](const auto& a, const auto& b) { return a.seq < b.seq; });
    std::vector<std::string> out;
    for (auto& m : in) out.push_back(m.text);
    return out;
  }

  std::string fingerprint(Side s) { return service::read_public_key(dir(s)).fingerprint(); }

  void expect_ledger_verifies(Side s) {
    auto r = on(s, {"ledger", "verify"});
    EXPECT_EQ(r.exit_code, 0) << node(s).name << ": hotline ledger verify\n" << r.out << r.err;
  }
};

TEST_F(KeyRotation, RotationWhileEnvelopesFlowBothWaysLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const std::string old_fp = fingerprint(kAlpha);
  const std::int64_t n = kSanitized ? 120 : 400;

  // Both streams run in this process, each on a node opened before the
  // rotation: alpha's stream goes on signing with the old key during the
  // overlap, as a process that has not restarted yet does.
  auto alpha_stream =
      std::async(std::launch::async, [&] { enqueue(dir(kAlpha), "bravo", n, 0, 20, 15ms); });
  auto bravo_stream =
      std::async(std::launch::async, [&] { enqueue(dir(kBravo), "alpha", n, 0, 20, 15ms); });
  std::this_thread::sleep_for(100ms);
  auto rotated = on(kAlpha, {"key", "rotate", "--overlap", "7d"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err << rotated.out;
  EXPECT_NE(rotated.out.find("Announced to 1 peer(s): bravo"), std::string::npos) << rotated.out;
  const std::string new_fp = fingerprint(kAlpha);
  ASSERT_NE(new_fp, old_fp);
  // Restart alpha mid-stream: its serve signs with the new key from now on.
  ASSERT_NO_FATAL_FAILURE(restart(kAlpha));
  alpha_stream.get();
  bravo_stream.get();

  // bravo checked both signatures and pinned the key; alpha heard it.
  EXPECT_TRUE(wait_event(kBravo, "peer_key_rotated", new_fp)) << "bravo never pinned " << new_fp;
  EXPECT_TRUE(wait_event(kAlpha, "key_confirmed", new_fp)) << "bravo's answer never came";
  ASSERT_TRUE(wait_delivered(dir(kAlpha), "bravo", n, 90s));
  ASSERT_TRUE(wait_delivered(dir(kBravo), "alpha", n, 90s));
  ASSERT_NO_FATAL_FAILURE(settle_and_stop());

  EXPECT_EQ(inbound_texts(kBravo), msg_texts("alpha", 0, n));
  EXPECT_EQ(inbound_texts(kAlpha), msg_texts("bravo", 0, n));
  EXPECT_TRUE(events(kBravo, "envelope_refused").empty());
  EXPECT_TRUE(events(kAlpha, "envelope_refused").empty());
  EXPECT_TRUE(events(kBravo, "envelope_content_refused").empty());
  expect_ledger_verifies(kAlpha);
  expect_ledger_verifies(kBravo);
  expect_auditor_accepts(kAlpha, node(kAlpha).key);
  expect_auditor_accepts(kBravo, node(kBravo).key);

  // bravo's peer list shows both keys of alpha and the overlap's end.
  auto list = nlohmann::json::parse(ok(kBravo, {"peer", "list", "--json"}));
  ASSERT_EQ(list.size(), 1u);
  const auto& keys = list[0]["keys"];
  ASSERT_EQ(keys.size(), 2u) << list.dump(2);
  EXPECT_EQ(keys[0]["fingerprint"], old_fp);
  EXPECT_TRUE(keys[0]["until"].is_string());
  EXPECT_EQ(keys[1]["fingerprint"], new_fp);
  EXPECT_EQ(list[0]["fingerprint"], new_fp);
  auto text = ok(kBravo, {"peer", "list"});
  EXPECT_NE(text.find("signs until"), std::string::npos) << text;

  // The link goes on after a restart of both (TLS with the new key), and
  // the agreement can be amended: the amendment names alpha's new key.
  ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  ASSERT_NO_FATAL_FAILURE(start(kBravo));
  enqueue(dir(kAlpha), "bravo", 5, n);
  ASSERT_TRUE(wait_delivered(dir(kAlpha), "bravo", n + 5, 60s));
  ok(kAlpha, {"agreement", "propose", "--peer", "bravo"});
  ASSERT_TRUE(testing::eventually(
      [&] {
        return on(kBravo, {"agreement", "accept", "--peer", "alpha"}).exit_code == 0;
      },
      30s))
      << "bravo never got alpha's amendment";
  EXPECT_TRUE(wait_event(kAlpha, "agreement_accepted", "amendment 1"));
  auto shown = ok(kBravo, {"agreement", "show", "--peer", "alpha", "--json"});
  EXPECT_NE(shown.find(service::read_public_key(dir(kAlpha)).encoded()), std::string::npos)
      << shown.substr(0, 2000);
  ASSERT_NO_FATAL_FAILURE(settle_and_stop());
  expect_ledger_verifies(kBravo);
}

TEST_F(KeyRotation, AfterTheOverlapTheOldKeyIsRefused) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto old_key = service::read_public_key(dir(kAlpha));
  ASSERT_EQ(ok(kAlpha, {"key", "rotate", "--overlap", "3s"}).empty(), false);
  ASSERT_NO_FATAL_FAILURE(restart(kAlpha));
  ASSERT_TRUE(wait_event(kBravo, "peer_key_rotated"));
  ASSERT_TRUE(wait_event(kAlpha, "key_confirmed"));
  std::this_thread::sleep_for(3500ms);

  // A message signed with the new key arrives; then one signed with the
  // old key (kept in D/keys/ for the TLS of the overlap) is refused.
  enqueue(dir(kAlpha), "bravo", 1, 0);
  ASSERT_TRUE(testing::eventually([&] { return inbound_texts(kBravo).size() == 1; }, 30s));
  {
    auto node = service::open_node(dir(kAlpha));
    node.identity =
        crypto::KeyPair::load(dir(kAlpha) / "keys" / (service::fingerprint_hex(old_key) + ".key"));
    service::send_desk_message(node, "bravo", "signed with the retired key", now_ms());
  }
  EXPECT_TRUE(wait_event(kBravo, "envelope_refused", "envelope_key_retired"));
  auto refused = events(kBravo, "envelope_refused");
  ASSERT_FALSE(refused.empty());
  EXPECT_NE(refused.back().detail.find(old_key.fingerprint()), std::string::npos)
      << refused.back().detail;
  EXPECT_EQ(inbound_texts(kBravo).size(), 1u);
  ASSERT_NO_FATAL_FAILURE(stop(kAlpha));
  ASSERT_NO_FATAL_FAILURE(stop(kBravo));
  expect_ledger_verifies(kBravo);
}

TEST_F(KeyRotation, CompromisedKeyIsRevokedAndThePeerRekeysByPhone) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  enqueue(dir(kAlpha), "bravo", 5, 0);
  enqueue(dir(kBravo), "alpha", 5, 0);
  ASSERT_TRUE(wait_delivered(dir(kAlpha), "bravo", 5, 60s));
  ASSERT_TRUE(wait_delivered(dir(kBravo), "alpha", 5, 60s));
  ASSERT_NO_FATAL_FAILURE(stop(kAlpha));

  // The thief's copy of alpha's key.
  const fs::path stolen = scratch() / "stolen.key";
  fs::copy_file(dir(kAlpha) / "identity.key", stolen);
  const auto old_key = service::read_public_key(dir(kAlpha));

  // A wrong fingerprint changes nothing and says what was expected.
  auto wrong =
      on(kAlpha, {"key", "revoke", "--key", "SHA256:0000 0000 0000 0000 0000 0000 0000 0000",
                  "--from", "2026-01-01"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find(old_key.fingerprint()), std::string::npos) << wrong.err;
  EXPECT_EQ(service::read_public_key(dir(kAlpha)), old_key);

  const std::string revoke_from = format_timestamp(now_ms());
  std::this_thread::sleep_for(5ms);
  auto revoked =
      on(kAlpha, {"key", "revoke", "--key", old_key.fingerprint(), "--from", revoke_from});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err << revoked.out;
  const auto new_key = service::read_public_key(dir(kAlpha));
  ASSERT_NE(new_key, old_key);
  // `key show` prints the fingerprint to read aloud, groups of four.
  auto shown = ok(kAlpha, {"key", "show"});
  EXPECT_NE(shown.find(new_key.fingerprint()), std::string::npos) << shown;
  EXPECT_NE(shown.find("REVOKED from " + revoke_from), std::string::npos) << shown;

  // alpha queues one envelope signed with its new key, then the thief's
  // (signed with the revoked key, after the revocation) gets in the queue.
  enqueue(dir(kAlpha), "bravo", 1, 5);
  {
    auto node = service::open_node(dir(kAlpha));
    node.identity = crypto::KeyPair::load(stolen);
    service::send_desk_message(node, "bravo", "forged with the stolen key", now_ms());
  }
  // alpha comes back with its new key: bravo's TLS refuses it until the
  // rekey, and sees the key it presented.
  ASSERT_NO_FATAL_FAILURE(start(kAlpha));
  const std::string phone = new_key.fingerprint();  // read by phone
  // A wrong fingerprint is refused, naming both.
  auto bad = on(kBravo, {"peer", "rekey", "--peer", "alpha", "--fingerprint", phone, "--key",
                         old_key.encoded(), "--revoke-from", revoke_from});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("fingerprint"), std::string::npos) << bad.err;
  testing::RunResult rekey;
  ASSERT_TRUE(testing::eventually(
      [&] {
        rekey = on(kBravo, {"peer", "rekey", "--peer", "alpha", "--fingerprint", phone,
                            "--revoke-from", revoke_from});
        return rekey.exit_code == 0;
      },
      60s))
      << rekey.err << rekey.out;

  // The new key's envelope arrives; the forged one is refused, clearly.
  EXPECT_TRUE(testing::eventually([&] { return inbound_texts(kBravo).size() == 6; }, 60s));
  EXPECT_TRUE(wait_event(kBravo, "envelope_refused", "envelope_key_revoked", 60s));
  EXPECT_EQ(inbound_texts(kBravo), msg_texts("alpha", 0, 6));
  // The thief's key cannot even connect any more; alpha's new key can.
  const auto bravo_key = service::read_public_key(dir(kBravo));
  EXPECT_FALSE(peer_tls_answers(node(kBravo).peer_port, crypto::KeyPair::load(stolen), bravo_key));
  EXPECT_TRUE(peer_tls_answers(node(kBravo).peer_port,
                               crypto::KeyPair::load(dir(kAlpha) / "identity.key"), bravo_key));
  auto list = nlohmann::json::parse(ok(kBravo, {"peer", "list", "--json"}));
  ASSERT_EQ(list[0]["keys"].size(), 2u);
  EXPECT_EQ(list[0]["keys"][0]["revoked_from"], revoke_from);
  EXPECT_EQ(list[0]["fingerprint"], new_key.fingerprint());
  ASSERT_NO_FATAL_FAILURE(stop(kAlpha));
  ASSERT_NO_FATAL_FAILURE(stop(kBravo));
  // bravo's ledger: the envelopes signed with the old key before the
  // revocation still verify.
  expect_ledger_verifies(kBravo);
}

}  // namespace key_rotation_test
}  // namespace hotline::it
