#include "hotline/node/periodic.h"

#include <spdlog/spdlog.h>

#include "hotline/common/escape.h"
#include "hotline/common/thread_name.h"

namespace hotline::node {

Periodic::Periodic(std::string thread_name, std::string what, std::chrono::milliseconds period,
                   std::function<void()> step)
    : thread_name_(std::move(thread_name)),
      what_(std::move(what)),
      period_(period),
      step_(std::move(step)) {}

Periodic::~Periodic() {
  request_stop();
  join();
}

void Periodic::start() {
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] {
    name_this_thread(thread_name_.c_str());
    run();
  });
}

void Periodic::request_stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

void Periodic::join() {
  if (thread_.joinable()) thread_.join();
}

void Periodic::run() {
  while (true) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, period_, [&] { return stopping_; })) return;
    }
    try {
      step_();
    } catch (const std::exception& e) {
      spdlog::error("event={}_failed error=\"{}\"", what_, escape_text(e.what()));
    }
  }
}

}  // namespace hotline::node
