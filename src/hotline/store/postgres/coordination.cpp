#include "hotline/store/postgres/coordination.h"

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>

#include "hotline/common/error.h"
#include "hotline/crypto/sha256.h"

namespace hotline::store::postgres {
namespace {

using Clock = std::chrono::steady_clock;

// How often held() asks the server, and the waiters' poll while no
// listener runs.
constexpr auto kLeaseCheck = std::chrono::seconds(1);
constexpr auto kEventPoll = std::chrono::milliseconds(25);
constexpr auto kListenRetry = std::chrono::seconds(1);

// A lease name's advisory-lock key: the first 8 bytes of its SHA-256.
std::int64_t lease_key(std::string_view name) {
  const auto digest = crypto::sha256("hotline.lease:" + std::string(name));
  std::uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = (key << 8) | digest[static_cast<std::size_t>(i)];
  return static_cast<std::int64_t>(key);
}

// Waits on the LISTEN connection's socket for a notification.
class Notified : public pqxx::notification_receiver {
 public:
  Notified(pqxx::connection& c, std::function<void(std::int64_t)> fn)
      : pqxx::notification_receiver(c, kEventChannel), fn_(std::move(fn)) {}
  void operator()(const std::string& payload, int /*backend_pid*/) override {
    try {
      fn_(std::stoll(payload));
    } catch (const std::exception&) {
      fn_(0);  // not an id: wake the waiters anyway
    }
  }

 private:
  std::function<void(std::int64_t)> fn_;
};

// Waits up to 200 ms for the server to send something, then reads the
// notifications that came. (Not libpqxx 6.4's await_notification, which
// leaks a result of libpq's each time the server drops the connection.)
void wait_readable_then_read(pqxx::connection& conn) {
  const int fd = conn.sock();
  if (fd < 0 || !conn.is_open()) throw std::runtime_error("the listening connection is closed");
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 200) <= 0) return;
  if ((p.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
    throw std::runtime_error("the listening connection is closed");
  }
  conn.get_notifs();  // throws when the server went away
}

}  // namespace

// The connection that holds the leases, shared by them.
struct Coordination::LeaseConn {
  std::mutex mu;  // one statement at a time
  Conn conn;
  Clock::time_point checked = Clock::now();
  bool lost = false;
  explicit LeaseConn(const std::string& conninfo) : conn(conninfo) {}

  bool alive() {
    std::lock_guard lock(mu);
    if (lost) return false;
    if (Clock::now() - checked < kLeaseCheck) return true;
    try {
      conn.exec_simple("checking a lease", "SELECT 1");
      checked = Clock::now();
    } catch (const std::exception&) {
      lost = true;
    }
    return !lost;
  }
};

class Coordination::AdvisoryLease final : public Lease {
 public:
  AdvisoryLease(std::shared_ptr<LeaseConn> conn, std::int64_t key, Coordination& owner)
      : conn_(std::move(conn)), key_(key), owner_mu_(owner.lease_mu_), held_(owner.held_keys_) {}
  ~AdvisoryLease() override {
    {
      std::lock_guard lock(owner_mu_);
      held_->erase(key_);
    }
    std::lock_guard lock(conn_->mu);
    if (conn_->lost) return;
    try {
      conn_->conn.exec("releasing a lease", "SELECT pg_advisory_unlock($1)", key_);
    } catch (const std::exception&) {
      conn_->lost = true;  // the session is gone, and its locks with it
    }
  }
  bool held() override { return conn_->alive(); }

 private:
  std::shared_ptr<LeaseConn> conn_;
  std::int64_t key_;
  std::mutex& owner_mu_;  // the Coordination outlives its leases (store.h)
  std::shared_ptr<std::set<std::int64_t>> held_;
};

Coordination::Coordination(std::string conninfo) : conninfo_(std::move(conninfo)) {
  listener_ = std::thread([this] { listen_loop(); });
}

Coordination::~Coordination() {
  stopping_ = true;
  if (listener_.joinable()) listener_.join();
}

std::unique_ptr<Lease> Coordination::try_lease(std::string_view name) {
  const std::int64_t key = lease_key(name);
  std::shared_ptr<LeaseConn> conn;
  {
    std::lock_guard lock(lease_mu_);
    if (held_keys_->count(key) != 0) return nullptr;  // ours already
    if (!lease_conn_ || lease_conn_->lost || !lease_conn_->conn.usable()) {
      lease_conn_ = std::make_shared<LeaseConn>(conninfo_);
    }
    conn = lease_conn_;
    held_keys_->insert(key);  // reserved while we ask the server
  }
  bool granted = false;
  try {
    std::lock_guard lock(conn->mu);
    auto r = conn->conn.exec("taking a lease", "SELECT pg_try_advisory_lock($1)", key);
    granted = r[0][0].as<bool>();
    conn->checked = Clock::now();
  } catch (const Error&) {
    conn->lost = true;
    std::lock_guard lock(lease_mu_);
    held_keys_->erase(key);
    throw;
  }
  if (!granted) {
    std::lock_guard lock(lease_mu_);
    held_keys_->erase(key);
    return nullptr;
  }
  return std::make_unique<AdvisoryLease>(conn, key, *this);
}

void Coordination::announce(std::int64_t id) {
  {
    std::lock_guard lock(event_mu_);
    announced_ = std::max(announced_, id == 0 ? announced_ + 1 : id);
  }
  event_cv_.notify_all();
}

void Coordination::wait_for_events(std::int64_t after_id, std::chrono::milliseconds timeout) {
  std::unique_lock lock(event_mu_);
  if (!listening_) {
    event_cv_.wait_for(lock, std::min<std::chrono::milliseconds>(timeout, kEventPoll));
    return;
  }
  event_cv_.wait_for(lock, timeout,
                     [&] { return announced_ > after_id || !listening_ || stopping_; });
}

void Coordination::listen_loop() {
  while (!stopping_) {
    try {
      pqxx::connection conn(conninfo_);
      // Deprecated in libpqxx 6 but still honoured: no silent reconnection.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
      conn.inhibit_reactivation(true);
#pragma GCC diagnostic pop
      Notified receiver(conn, [this](std::int64_t id) { announce(id); });  // LISTEN
      {
        std::lock_guard lock(event_mu_);
        listening_ = true;
      }
      event_cv_.notify_all();
      while (!stopping_) wait_readable_then_read(conn);
    } catch (const std::exception&) {
      // The server went away: waiters poll until the listener is back.
    }
    {
      std::lock_guard lock(event_mu_);
      listening_ = false;
    }
    event_cv_.notify_all();
    for (auto waited = Clock::duration::zero(); !stopping_ && waited < kListenRetry;
         waited += std::chrono::milliseconds(100)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace hotline::store::postgres
