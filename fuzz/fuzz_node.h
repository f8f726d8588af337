// A node for the fuzz targets that need one: "alpha" in a scratch folder of
// the temporary directory, with a peer "bravo" whose key pair the target
// also holds (so it can sign envelopes as bravo), an admin user with an API
// token, and cheap password hashing. Made on first use, kept for the
// process's life, its folder removed at exit. Single-threaded use only, as
// every fuzz target runs.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "hotline/common/time.h"
#include "hotline/crypto/password.h"
#include "hotline/service/link_service.h"
#include "hotline/service/node_dir.h"
#include "hotline/service/user_service.h"

namespace hotline::fuzz {

struct FuzzNode {
  std::filesystem::path dir;
  std::unique_ptr<service::Node> alpha;
  std::unique_ptr<service::Node> bravo;  // only its identity is used
  std::string admin_token;
};

inline FuzzNode& fuzz_node() {
  static FuzzNode* node = [] {
    auto* n = new FuzzNode;
    n->dir = std::filesystem::temp_directory_path() /
             ("hotline-fuzz-" + std::to_string(static_cast<long>(::getpid())));
    std::filesystem::remove_all(n->dir);
    service::init_node(n->dir / "alpha", "alpha");
    service::init_node(n->dir / "bravo", "bravo");
    n->alpha = std::make_unique<service::Node>(service::open_node(n->dir / "alpha"));
    n->bravo = std::make_unique<service::Node>(service::open_node(n->dir / "bravo"));
    const TimePoint now = now_ms();
    service::add_peer(*n->alpha, "bravo", "https://127.0.0.1:1",
                      n->bravo->identity.public_key().encoded(), now);
    service::AccountPolicy policy;
    policy.password_cost = crypto::kTestPasswordCost;
    service::add_user(*n->alpha->store, "adm", "", {service::Role::admin},
                      "correct horse battery staple", now, policy);
    n->admin_token = service::create_api_token(*n->alpha->store, "adm", "fuzz", now).token;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(fuzz_node().dir, ec);
    });
    return n;
  }();
  return *node;
}

}  // namespace hotline::fuzz
