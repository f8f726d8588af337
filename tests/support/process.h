// Test support: run the real `hotline` binary as a child process.
//
// Children are started with posix_spawn, their stdout and stderr captured to
// files in the test's scratch directory, and killed (SIGKILL) by the
// destructor if the test did not stop them, so that a failing test never
// leaves a server behind.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace hotline::testing {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh scratch directory under /tmp, removed when the object dies.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hotline-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& s) const { return path_ / s; }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = -1;
  std::string out, err;
};

class Process {
 public:
  // Starts `args` (args[0] is the program); output goes to log_prefix.out/.err.
  Process(std::vector<std::string> args, const std::filesystem::path& log_prefix)
      : out_(log_prefix.string() + ".out"), err_(log_prefix.string() + ".err") {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("posix_spawn failed for " + args[0]);
  }
  ~Process() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      int st = 0;
      ::waitpid(pid_, &st, 0);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig) { ::kill(pid_, sig); }

  // Waits up to `timeout` for the child to exit; returns its exit code
  // (128+signal when killed), or nullopt on timeout.
  std::optional<int> wait_for(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exited_) {
      int st = 0;
      pid_t r = ::waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        exited_ = true;
        code_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return code_;
  }
  bool running() { return !wait_for(std::chrono::milliseconds(0)).has_value(); }
  std::string out() const { return read_file(out_); }
  std::string err() const { return read_file(err_); }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  int code_ = -1;
  std::string out_, err_;
};

// Runs a command to completion (bounded by `timeout`) and returns its output.
inline RunResult run(std::vector<std::string> args, const std::filesystem::path& log_prefix,
                     std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  Process p(std::move(args), log_prefix);
  auto code = p.wait_for(timeout);
  if (!code) throw std::runtime_error("command timed out");
  return {*code, p.out(), p.err()};
}

// A loopback port for a test server, free when asked and kept from every
// other test process until this one exits.
//
// Ports come from 20000-32767, below the kernel's ephemeral range
// (32768-60999 here), so an outgoing connection of another test never takes
// one between this call and the server's bind (seen before: "Address
// already in use" under `ctest -j`). Each port handed out is reserved across
// processes by an flock on a file named after it in the temporary folder;
// the lock's descriptor stays open until the process exits, and the kernel
// drops it then, even after a crash. Within one process a port is never
// given twice. Thread-safe.
inline std::uint16_t free_port() {
  static std::mutex mu;
  static std::set<std::uint16_t> given;
  constexpr unsigned kFirst = 20000, kCount = 12768;
  const auto dir = std::filesystem::temp_directory_path() / "hotline-test-ports";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::lock_guard lock(mu);
  unsigned pick =
      static_cast<unsigned>(::getpid()) * 7919u +
      static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count());
  for (unsigned attempt = 0; attempt < 2000; ++attempt) {
    pick = pick * 1103515245u + 12345u;
    const auto port = static_cast<std::uint16_t>(kFirst + (pick >> 8) % kCount);
    if (given.count(port) != 0) continue;
    const auto file = dir / std::to_string(port);
    const int lock_fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (lock_fd < 0) continue;
    if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {  // another test process has it
      ::close(lock_fd);
      continue;
    }
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (!bound) {  // something outside the tests listens there
      ::close(lock_fd);
      continue;
    }
    given.insert(port);  // lock_fd stays open: the reservation lasts until exit
    return port;
  }
  throw std::runtime_error("no free loopback port in 20000-32767 after 2000 tries");
}

// Polls `pred` every 20 ms until it holds or `timeout` passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

}  // namespace hotline::testing
