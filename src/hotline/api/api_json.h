// JSON shapes the API answers with (docs/api/openapi.yaml names them).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/service/desk_service.h"
#include "hotline/service/link_service.h"
#include "hotline/store/records.h"

namespace hotline::api {

// An item: the replayed document (model fields, "item_kind", "files",
// "void", "deadlines") plus id, peer, link, state, tlp, title, created_at,
// updated_at, and "request_kind" for requests.
nlohmann::json item_json(const service::ItemView& item);
// Its inverse, for clients (the CLI's --url mode).
service::ItemView item_from_json(const nlohmann::json& j);

// A user, without any secret: name, display_name, roles, permissions,
// disabled, totp, locked_until, created_at, updated_at.
nlohmann::json user_json(const store::UserRecord& user);
// An API token's record (never the token or its hash).
nlohmann::json token_json(const store::ApiTokenRecord& token);
nlohmann::json peer_json(const service::PeerView& peer);
nlohmann::json event_json(const store::EventRecord& event);

// The model's state names of an item kind (service::kAlert, ...), in the
// model's order; empty for an unknown kind.
std::vector<std::string> item_states(const std::string& kind);

}  // namespace hotline::api
