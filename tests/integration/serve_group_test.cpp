// Several `hotline serve` processes of one node on one PostgreSQL database
// (serve_group_harness.h): alpha served by two processes behind a TCP
// balancer, bravo by one on SQLite.
//
//  - the process that holds alpha's delivery lease is SIGKILLed, several
//    times, during a stream of 10,000 desk messages each way: another takes
//    over, and every envelope arrives exactly once on both sides;
//  - items created through both processes' APIs at once: one ledger, no
//    index twice, no gap, proofs valid;
//  - the event stream, sessions and sign-in lockouts span the processes;
//    tree heads are signed once per node;
//  - a second node pointed at alpha's database is refused and changes
//    nothing.
// PostgreSQL restarted under traffic: pg_restart_test.cpp.
#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "serve_group_harness.h"
#include "sse_stream.h"

namespace hotline::it {
namespace serve_group_test {

class ServeGroupTest : public ServeGroup {
 protected:
  // Kills the process holding alpha's delivery lease, waits until another
  // took it over (prints how long), and starts the killed one again.
  void kill_delivery_holder(int k, std::string& history) {
    const std::string lease = "delivery:";
    const int holder = lease_holder(lease);
    ASSERT_GE(holder, 0) << "no single holder of the delivery lease: " << lease_report(lease);
    auto before = both_counts();
    auto& victim = alpha_[static_cast<std::size_t>(holder)];
    const auto t0 = Clock::now();
    ASSERT_NO_FATAL_FAILURE(kill(victim));
    const int next = lease_holder(lease, 60s);
    ASSERT_GE(next, 0) << "nobody took the delivery lease over after " << victim.label
                       << " was killed: " << lease_report(lease);
    ASSERT_NE(next, holder);
    const double took = seconds_since(t0);
    std::printf(
        "[kill %d] %s killed (alpha queue %lld, bravo queue %lld); %s took over in %.2f s\n", k + 1,
        victim.label.c_str(), static_cast<long long>(before.first.outbox),
        static_cast<long long>(before.second.outbox),
        alpha_[static_cast<std::size_t>(next)].label.c_str(), took);
    history += " " + std::to_string(before.first.receipted_out) + "/" +
               std::to_string(before.first.last_out);
    ASSERT_NO_FATAL_FAILURE(start(victim));
  }

  // Every leaf index 0..size-1 once, and each envelope or receipt (kind,
  // direction, seq) once; alpha's outbound envelopes are seq 1..last.
  void expect_one_ledger(service::Node& n, const std::string& link) {
    auto tx = n.store->read();
    const auto size = tx->ledger_size();
    std::int64_t expect_index = 0, gaps = 0, twice = 0;
    std::set<std::tuple<std::string, int, std::int64_t>> seen;
    std::set<std::int64_t> out_seqs;
    for (std::int64_t from = 0;;) {
      auto leaves = tx->list_ledger_leaves(from, 1000);
      if (leaves.empty()) break;
      for (const auto& l : leaves) {
        if (l.index != expect_index && ++gaps <= 5)
          ADD_FAILURE() << "leaf index " << l.index << " where " << expect_index << " was expected";
        expect_index = l.index + 1;
        const auto key = std::make_tuple(l.kind, static_cast<int>(l.direction), l.seq);
        if (l.link == link && !seen.insert(key).second && ++twice <= 5)
          ADD_FAILURE() << "the " << l.kind << " of seq " << l.seq << " is in the ledger twice";
        if (l.link == link && l.kind == "envelope" && l.direction == store::Direction::outbound)
          out_seqs.insert(l.seq);
      }
      from = leaves.back().index + 1;
    }
    EXPECT_EQ(expect_index, size) << "the leaves do not reach ledger_size()";
    EXPECT_EQ(gaps, 0);
    EXPECT_EQ(twice, 0);
    const auto last = tx->last_seq(link, store::Direction::outbound);
    EXPECT_EQ(static_cast<std::int64_t>(out_seqs.size()), last);
    if (!out_seqs.empty()) {
      EXPECT_EQ(*out_seqs.begin(), 1);
      EXPECT_EQ(*out_seqs.rbegin(), last);
    }
  }
};

// Issue 20, faults: SIGKILL the process holding the delivery lease during a
// stream of 10,000 envelopes each way, three times: nothing lost, nothing
// doubled, ledger verify passes on both nodes.
TEST_F(ServeGroupTest, DeliveryLeaseHolderKilledDuringTenThousandEachWay) {
  const std::int64_t n = kSanitized ? 2000 : 10000;
  const int kills = 3;
  ASSERT_NO_FATAL_FAILURE(start_linked());
  std::printf("[stream] %lld desk messages each way, %d kills of the delivery lease's holder\n",
              static_cast<long long>(n), kills);

  const auto t0 = Clock::now();
  std::atomic<int> producing{2};
  std::string errors[2];
  auto produce = [&](fs::path dir, std::string peer, int slot) {
    try {
      auto node = service::open_node(dir);
      enqueue_batched(node, peer, n, 0, 100, 150ms);
    } catch (const std::exception& e) {
      errors[slot] = e.what();
    }
    --producing;
  };
  {
    std::jthread to_bravo(produce, alpha_dir_, "bravo", 0);
    std::jthread to_alpha(produce, bravo_dir_, "alpha", 1);
    // Kill k when alpha has queued (k + 1) / (kills + 1) of its stream, so
    // that the kills spread over it whatever the machine's speed.
    std::string history;
    for (int k = 0; k < kills; ++k) {
      const std::int64_t mark = n * (k + 1) / (kills + 1);
      testing::eventually([&] { return both_counts().first.last_out >= mark; }, 120s);
      ASSERT_NO_FATAL_FAILURE(kill_delivery_holder(k, history));
    }
    std::printf("[stream] kills at alpha's receipted/stored:%s (%d producer(s) still going)\n",
                history.c_str(), producing.load());
  }
  // The node's jobs run in one process, whichever survived.
  EXPECT_GE(lease_holder("jobs"), 0) << lease_report("jobs");
  ASSERT_TRUE(errors[0].empty()) << "queueing at alpha failed: " << errors[0];
  ASSERT_TRUE(errors[1].empty()) << "queueing at bravo failed: " << errors[1];

  ASSERT_TRUE(wait_delivered(alpha_dir_, "bravo", n, kSanitized ? 300s : 180s));
  ASSERT_TRUE(wait_delivered(bravo_dir_, "alpha", n, kSanitized ? 300s : 180s));
  std::printf("[stream] delivered both ways after %.1f s; bravo reached alpha through:",
              seconds_since(t0));
  for (const auto& p : alpha_)
    std::printf(" %s %llu connection(s)", p.label.c_str(),
                static_cast<unsigned long long>(balancer_->connections_to(p.peer_port)));
  std::printf("\n");
  ASSERT_NO_FATAL_FAILURE(settle_and_stop());

  auto ab = expect_direction_intact(alpha_dir_, "bravo", bravo_dir_, msg_texts("alpha", 0, n));
  auto ba = expect_direction_intact(bravo_dir_, "alpha", alpha_dir_, msg_texts("bravo", 0, n));
  EXPECT_EQ(ab.types["desk.message"], n) << ab.types_str();
  EXPECT_EQ(ba.types["desk.message"], n) << ba.types_str();
  std::printf("[stream] alpha -> bravo: %s\n[stream] bravo -> alpha: %s\n", ab.types_str().c_str(),
              ba.types_str().c_str());
  expect_ledger_verifies(alpha_dir_);
  expect_ledger_verifies(bravo_dir_);
}

// Issue 20: the ledger stays one append-only sequence with correct proofs
// whichever process appends.
TEST_F(ServeGroupTest, LedgerIsOneSequenceWhenBothProcessesAppend) {
  Options opt;
  opt.head_interval_s = 1;
  ASSERT_NO_FATAL_FAILURE(start_linked(opt));
  const auto ana = token(watch_alpha(), "ana", {service::Role::operator_});
  const int per_thread = kSanitized ? 15 : 40;
  std::vector<std::string> made[4];
  std::string failures[4];
  {
    std::vector<std::jthread> clients;
    for (int t = 0; t < 4; ++t) {
      clients.emplace_back([&, t] {
        const auto port = alpha_[static_cast<std::size_t>(t % 2)].op_port;
        for (int i = 0; i < per_thread; ++i) {
          const std::string summary =
              "Scan from 203.0.113." + std::to_string(t) + " #" + std::to_string(i);
          auto r =
              api_call(port, "POST", "/v1/alerts", {{"to", "bravo"}, {"summary", summary}}, ana);
          if (r.status != 201) {
            failures[t] = std::to_string(r.status) + " " + r.body.dump();
            return;
          }
          made[t].push_back(r.body.value("id", ""));
        }
      });
    }
  }
  for (int t = 0; t < 4; ++t)
    ASSERT_TRUE(failures[t].empty()) << "client " << t << ": " << failures[t];
  // Each is readable through the other process.
  for (int t = 0; t < 4; ++t) {
    const auto other = alpha_[static_cast<std::size_t>((t + 1) % 2)].op_port;
    for (const auto& id : made[t]) {
      auto r = api_call(other, "GET", "/v1/alerts/" + id, nullptr, ana);
      EXPECT_EQ(r.status, 200) << id << ": " << r.body.dump();
    }
  }
  ASSERT_TRUE(wait_delivered(alpha_dir_, "bravo", 4 * per_thread, 60s));
  ASSERT_NO_FATAL_FAILURE(settle_and_stop());
  auto& a = watch_alpha();
  expect_one_ledger(a, link_of(*a.store, "bravo"));
  expect_ledger_verifies(alpha_dir_);
  expect_ledger_verifies(bravo_dir_);
  // Tree heads: signed by whichever process holds the jobs' lease, each
  // size once for the node.
  std::map<std::string, int> head_sizes;
  for (const auto& p : alpha_) {
    for (const auto& path : p.logs) {
      std::istringstream in(testing::read_file(path));
      for (std::string line; std::getline(in, line);) {
        auto at = line.find("event=tree_head size=");
        if (at == std::string::npos) continue;
        auto size = line.substr(at + 21, line.find(' ', at + 21) - (at + 21));
        if (++head_sizes[size] == 2) ADD_FAILURE() << "the head of size " << size << " twice";
      }
    }
  }
  EXPECT_FALSE(head_sizes.empty()) << "no tree head signed at all";
  auto heads = a.store->snapshot([](store::Transaction& tx) { return tx.list_tree_heads(""); });
  std::set<std::int64_t> sizes;
  for (const auto& h : heads) EXPECT_TRUE(sizes.insert(h.size).second) << "head size " << h.size;
  std::printf("[ledger] %d alerts through two processes; %zu tree heads\n", 4 * per_thread,
              heads.size());
}

// Issue 20: the event stream reaches a client of either process and resumes
// across them; sessions and sign-in lockouts are the node's, not a
// process's.
TEST_F(ServeGroupTest, EventsSessionsAndLockoutsSpanTheProcesses) {
  ASSERT_NO_FATAL_FAILURE(start_linked());
  const auto ana = token(watch_alpha(), "ana", {service::Role::operator_});
  const auto port_a = alpha_[0].op_port, port_b = alpha_[1].op_port;
  const std::map<std::string, std::string> as_ana = {{"Authorization", "Bearer " + ana}};
  auto about = [](const std::string& id) {
    return [id](const std::string& text) {
      for (const auto& e : parse_sse(text))
        if (e.data["item"].is_object() && e.data["item"]["id"] == id) return true;
      return false;
    };
  };
  auto raise = [&](std::uint16_t port, const std::string& summary) {
    auto r = api_call(port, "POST", "/v1/alerts", {{"to", "bravo"}, {"summary", summary}}, ana);
    EXPECT_EQ(r.status, 201) << r.body.dump();
    return r.body.value("id", "");
  };

  // A stream on B sees what was done through A.
  std::int64_t last_id = 0;
  {
    StreamReader stream(port_b, "/v1/events", as_ana);
    stream.read_until(
        [](const std::string& t) { return t.find("retry: 3000") != std::string::npos; }, 10s);
    const auto first = raise(port_a, "Defacement of a ministry site");
    const auto& text = stream.read_until(about(first), 30s);
    ASSERT_TRUE(about(first)(text)) << "process B's stream never showed the alert raised on A:\n"
                                    << text;
    for (const auto& e : parse_sse(text)) last_id = std::max(last_id, e.id);
  }
  // Missed while away, then resumed on A from B's last id: exactly those.
  const auto second = raise(port_b, "Credential stuffing against the tax portal");
  {
    auto headers = as_ana;
    headers["Last-Event-ID"] = std::to_string(last_id);
    StreamReader stream(port_a, "/v1/events", headers);
    const auto& text = stream.read_until(about(second), 30s);
    auto events = parse_sse(text);
    ASSERT_TRUE(about(second)(text)) << text;
    std::vector<std::int64_t> got;
    for (const auto& e : events) got.push_back(e.id);
    auto page = api_call(
        port_b, "GET", "/v1/events?after=" + std::to_string(last_id) + "&limit=1000", nullptr, ana);
    ASSERT_EQ(page.status, 200) << page.body.dump();
    std::vector<std::int64_t> want;
    for (const auto& e : page.body["events"])
      if (e["id"].get<std::int64_t>() <= got.back()) want.push_back(e["id"]);
    EXPECT_EQ(got, want) << "the resumed stream is not exactly the events after " << last_id;
  }

  // A session signed in on A works on B; signed out on B, it is gone on A.
  auto in = api_call(port_a, "POST", "/v1/session", {{"name", "ana"}, {"password", kPassword}});
  ASSERT_EQ(in.status, 201) << in.body.dump();
  const std::string cookie = in.headers["set-cookie"].substr(0, in.headers["set-cookie"].find(';'));
  const std::string csrf = in.body.value("csrf_token", "");
  auto me = api_call(port_b, "GET", "/v1/session", nullptr, "", {{"Cookie", cookie}});
  EXPECT_EQ(me.status, 200) << me.body.dump();
  EXPECT_EQ(me.body.value("via", ""), "session");
  auto made = api_call(port_b, "POST", "/v1/alerts", {{"to", "bravo"}, {"summary", "Botnet C2"}},
                       "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(made.status, 201) << made.body.dump();
  auto out = api_call(port_b, "DELETE", "/v1/session", nullptr, "",
                      {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 200) << out.body.dump();
  auto after = api_call(port_a, "GET", "/v1/session", nullptr, "", {{"Cookie", cookie}});
  EXPECT_EQ(after.status, 401) << after.body.dump();

  // Failed sign-ins split across A and B count together: after five
  // (A, B, A, then B and A once each earlier delay passed) the delay is
  // 8 s, so the right password on B is refused at once. Per process, B
  // would have seen two failures and let it in.
  token(watch_alpha(), "lou", {service::Role::operator_});
  auto sign_in = [&](std::uint16_t port, const char* password) {
    return api_call(port, "POST", "/v1/session", {{"name", "lou"}, {"password", password}}).status;
  };
  EXPECT_EQ(sign_in(port_a, "wrong one"), 401);
  EXPECT_EQ(sign_in(port_b, "wrong two"), 401);
  EXPECT_EQ(sign_in(port_a, "wrong three"), 401);
  std::this_thread::sleep_for(2500ms);  // the 2 s delay passes
  EXPECT_EQ(sign_in(port_b, "wrong four"), 401);
  std::this_thread::sleep_for(4500ms);  // the 4 s delay passes
  EXPECT_EQ(sign_in(port_a, "wrong five"), 401);
  EXPECT_EQ(sign_in(port_b, kPassword), 401)
      << "the right password was checked on B although the account's failures on A and B "
         "together call for a delay";
  const auto root = token(watch_alpha(), "root", {service::Role::admin});
  auto trail = api_call(port_a, "GET", "/v1/audit?limit=1000", nullptr, root);
  int throttled = 0, checked = 0;
  for (const auto& e : trail.body["entries"]) {
    if (e.value("action", "") != "user.sign_in_failed" || e.dump().find("lou") == std::string::npos)
      continue;
    if (e.dump().find("throttled") != std::string::npos)
      ++throttled;
    else
      ++checked;
  }
  EXPECT_EQ(checked, 5) << trail.body.dump();
  EXPECT_EQ(throttled, 1) << trail.body.dump();
  // The jobs (tree heads, escalations) run in one process at a time.
  EXPECT_GE(lease_holder("jobs"), 0) << lease_report("jobs");

  // run/serve.json names the process started last; another one stopping
  // leaves it.
  ASSERT_NO_FATAL_FAILURE(stop(alpha_[0]));
  const auto status = testing::read_file(alpha_dir_ / "run" / "serve.json");
  EXPECT_NE(status.find("\"pid\": " + std::to_string(alpha_[1].proc->pid())), std::string::npos)
      << status;
}

// Issue 20: a second node pointed at another node's database by mistake is
// refused (the database knows whose it is), and nothing changes.
TEST_F(ServeGroupTest, SecondNodeOnAnotherNodesDatabaseIsRefused) {
  Options opt;
  opt.alpha_procs = 1;
  ASSERT_NO_FATAL_FAILURE(setup(opt));
  // Every table's row count, and the settings.
  auto count_rows = [&] {
    return db_->sql(
               "SELECT string_agg(t.table_name || '=' || (xpath('/row/c/text()', "
               "query_to_xml('SELECT count(*) AS c FROM ' || quote_ident(t.table_name), false, "
               "true, '')))[1]::text, ',' ORDER BY t.table_name) FROM information_schema.tables t "
               "WHERE t.table_schema = 'public'") +
           " " + db_->sql("SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM settings");
  };
  const auto party = db_->sql("SELECT value FROM settings WHERE key = 'party'");
  const auto before = count_rows();
  ASSERT_EQ(party, "alpha");

  const auto charlie = scratch_ / "charlie";
  auto r =
      cli({"init", "--dir", charlie.string(), "--party", "charlie", "--store", db_->conninfo()});
  EXPECT_NE(r.exit_code, 0) << "init of charlie on alpha's database succeeded:\n" << r.out;
  EXPECT_NE(r.err.find("alpha"), std::string::npos)
      << "the refusal should say whose database it is: " << r.err;
  EXPECT_EQ(r.err.find("password="), std::string::npos) << r.err;
  EXPECT_EQ(db_->sql("SELECT value FROM settings WHERE key = 'party'"), "alpha");
  EXPECT_EQ(count_rows(), before);

  // A node of its own whose directory was then pointed at alpha's database
  // (its store.conf edited, a restored backup mixed up): refused at start,
  // naming whose database it is.
  testing::PgTestDatabase charlie_db;
  r = cli(
      {"init", "--dir", charlie.string(), "--party", "charlie", "--store", charlie_db.conninfo()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto conf_path = charlie / "store.conf";
  auto conf = testing::read_file(conf_path);
  const auto at = conf.find(charlie_db.conninfo());
  ASSERT_NE(at, std::string::npos) << conf;
  conf.replace(at, charlie_db.conninfo().size(), db_->conninfo());
  {
    std::ofstream out(conf_path, std::ios::trunc);
    out << conf;
  }
  r = cli({"serve", "--dir", charlie.string(), "--listen", "127.0.0.1:0", "--peer-listen",
           "127.0.0.1:0"});
  EXPECT_NE(r.exit_code, 0) << "charlie served from alpha's database:\n" << r.err;
  EXPECT_NE(r.err.find("alpha"), std::string::npos) << r.err;
  r = cli({"peer", "list", "--dir", charlie.string()});
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_EQ(count_rows(), before);

  // Alpha's own processes still run on it, and its ledger is whole.
  ASSERT_NO_FATAL_FAILURE(start(alpha_[0]));
  ASSERT_NO_FATAL_FAILURE(stop(alpha_[0]));
  expect_ledger_verifies(alpha_dir_);
}

}  // namespace serve_group_test
}  // namespace hotline::it
