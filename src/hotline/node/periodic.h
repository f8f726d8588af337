// Periodic: one named thread that runs a step every period until stopped.
// Each of the node's threads (monitor, auditor, notifier, fetcher) is one;
// the jobs it runs are in their own classes (node_server.h lists them).
//
// Ownership and threads: NodeServer owns its Periodics. start(),
// request_stop() and join() are called by the owner's thread, never from the
// step itself. The step runs only on the Periodic's thread; everything the
// step uses must outlive the Periodic (or at least its join()).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace hotline::node {

class Periodic {
 public:
  // `thread_name` names the thread (top, gdb); a step that throws is logged
  // as event=<what>_failed and the loop goes on.
  Periodic(std::string thread_name, std::string what, std::chrono::milliseconds period,
           std::function<void()> step);
  ~Periodic();  // request_stop() and join()
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  // Starts the thread: it waits one period, runs the step, and so on.
  void start();
  // Wakes the thread and lets it end after the step in progress (returns at
  // once; join() waits). Requesting all of a node's Periodics to stop before
  // joining any lets them wind down together.
  void request_stop();
  void join();

 private:
  void run();

  const std::string thread_name_, what_;
  const std::chrono::milliseconds period_;
  const std::function<void()> step_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hotline::node
