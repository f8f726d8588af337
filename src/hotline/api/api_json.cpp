#include "hotline/api/api_json.h"

#include "hotline/service/user_service.h"

namespace hotline::api {

using nlohmann::json;

json item_json(const service::ItemView& item) {
  json j = item.document;
  j["id"] = item.record.id;
  j["item_kind"] = item.record.kind;
  j["peer"] = item.peer;
  j["link"] = item.record.link;
  j["state"] = item.record.state;
  j["tlp"] = item.record.tlp;
  j["title"] = item.record.title;
  j["created_at"] = item.record.created_at;
  j["updated_at"] = item.record.updated_at;
  // The request's own kind (information, preservation, ...) under a name
  // that cannot be mistaken for the item's kind.
  if (item.record.kind == service::kRequest) j["request_kind"] = item.document.value("kind", "");
  return j;
}

service::ItemView item_from_json(const json& j) {
  service::ItemView v;
  v.record.id = j.value("id", "");
  v.record.kind = j.value("item_kind", "");
  v.record.link = j.value("link", "");
  v.record.state = j.value("state", "");
  v.record.tlp = j.value("tlp", "");
  v.record.title = j.value("title", "");
  v.record.created_at = j.value("created_at", "");
  v.record.updated_at = j.value("updated_at", "");
  v.peer = j.value("peer", "");
  v.document = j;
  return v;
}

json user_json(const store::UserRecord& user) {
  json permissions = json::array();
  for (int p = 0; p <= static_cast<int>(service::Permission::translate); ++p) {
    auto perm = static_cast<service::Permission>(p);
    if (service::may(user, perm)) permissions.push_back(std::string(service::to_string(perm)));
  }
  json j = {{"name", user.name},
            {"display_name", user.display_name},
            {"roles", user.roles},
            {"permissions", permissions},
            {"disabled", user.disabled},
            {"totp", user.totp_secret.has_value()},
            {"created_at", user.created_at},
            {"updated_at", user.updated_at}};
  j["locked_until"] = user.locked_until ? json(*user.locked_until) : json(nullptr);
  return j;
}

json token_json(const store::ApiTokenRecord& t) {
  return {{"id", t.id},
          {"user", t.user},
          {"label", t.name},
          {"created_at", t.created_at},
          {"last_used_at", t.last_used_at ? json(*t.last_used_at) : json(nullptr)},
          {"revoked_at", t.revoked_at ? json(*t.revoked_at) : json(nullptr)},
          {"expires_at", t.expires_at ? json(*t.expires_at) : json(nullptr)},
          {"read_only", t.read_only}};
}

json peer_json(const service::PeerView& p) {
  auto opt = [](const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); };
  return {{"name", p.peer.name},
          {"url", p.peer.url},
          {"public_key", p.peer.public_key},
          {"fingerprint", p.fingerprint},
          {"link", p.peer.link},
          {"added_at", p.peer.added_at},
          {"state", p.state.state},
          {"connected", p.state.connected},
          {"last_contact", opt(p.state.last_contact)},
          {"last_heartbeat", opt(p.state.last_heartbeat)},
          {"queue_length", p.queue_length},
          {"last_seq_out", p.last_seq_out},
          {"last_seq_in", p.last_seq_in},
          {"last_receipted_out", p.last_receipted_out},
          {"agreement", opt(p.agreement)},
          {"time_zone", opt(p.time_zone)}};
}

json event_json(const store::EventRecord& e) {
  return {{"id", e.id}, {"at", e.at}, {"kind", e.kind}, {"link", e.link}, {"detail", e.detail}};
}

namespace {

template <class State, std::size_t N>
std::vector<std::string> names_of(const State (&states)[N]) {
  std::vector<std::string> out;
  for (auto st : states) out.emplace_back(model::to_string(st));
  return out;
}

}  // namespace

std::vector<std::string> item_states(const std::string& kind) {
  using model::DisputeState;
  using model::RoundState;
  static constexpr DisputeState kDisputeStates[] = {DisputeState::open, DisputeState::answered,
                                                    DisputeState::settlement_proposed,
                                                    DisputeState::settled, DisputeState::withdrawn};
  static constexpr RoundState kRoundStates[] = {RoundState::proposed, RoundState::agenda_agreed,
                                                RoundState::minutes_proposed, RoundState::closed,
                                                RoundState::cancelled};
  if (kind == service::kAlert) return names_of(model::kAlertStates);
  if (kind == service::kRequest) return names_of(model::kRequestStates);
  if (kind == service::kCase) return names_of(model::kCaseStates);
  if (kind == service::kDispute) return names_of(kDisputeStates);
  if (kind == service::kRound) return names_of(kRoundStates);
  return {};
}

}  // namespace hotline::api
