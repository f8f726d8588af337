#include "hotline/service/need_to_know.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/service/item_log.h"

namespace hotline::service {

bool withholds_content(std::string_view tlp) {
  return tlp == "TLP:RED" || tlp == "TLP:AMBER+STRICT";
}

bool needs_to_know(std::string_view tlp) {
  return tlp == "TLP:RED";
}

std::string content_free_note(const store::ItemRecord& item, bool with_title) {
  std::string out = item.kind + " " + item.id;
  if (withholds_content(item.tlp)) return out + " (" + item.tlp + ")";
  if (with_title) out += " (" + item.title + ")";
  return out;
}

std::string author_of(const store::ItemRecord& item) {
  ItemLog log = item_log_from_json(nlohmann::json::parse(item.actions));
  for (const auto& a : log.local) {
    if (a.action == "create") return a.actor;
  }
  for (const auto& a : log.shared) {
    if (a.side == model::Side::ours && (a.action == "raise" || a.action == "open")) return a.actor;
  }
  return "";
}

std::vector<std::string> need_to_know_list(store::Transaction& tx, const std::string& item_id) {
  auto v = tx.get_setting(kNeedToKnowPrefix + item_id);
  if (!v) return {};
  auto j = nlohmann::json::parse(*v, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;  // unreadable: nobody named
  for (const auto& n : j) {
    if (n.is_string()) out.push_back(n.get<std::string>());
  }
  return out;
}

void put_need_to_know_list(store::Transaction& tx, const std::string& item_id,
                           std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  tx.put_setting(kNeedToKnowPrefix + item_id, nlohmann::json(names).dump());
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out.empty() ? "-" : out;
}

std::vector<std::string> arrival_list(store::Transaction& tx) {
  auto holding = [&](const char* role) {
    std::vector<std::string> out;
    for (const auto& u : tx.list_users()) {
      if (!u.disabled && std::find(u.roles.begin(), u.roles.end(), role) != u.roles.end())
        out.push_back(u.name);
    }
    return out;
  };
  auto names = holding("supervisor");
  return names.empty() ? holding("operator") : names;
}

bool may_read(store::Transaction& tx, const store::ItemRecord& item, const std::string& user) {
  if (!needs_to_know(item.tlp)) return true;
  if (user.empty()) return false;
  auto list = need_to_know_list(tx, item.id);
  if (std::find(list.begin(), list.end(), user) != list.end()) return true;
  return author_of(item) == user;
}

bool may_read_attachment(store::Transaction& tx, const std::string& sha256,
                         const std::string& user) {
  for (const auto& head : tx.list_item_summaries("", "", 1000000)) {
    if (!needs_to_know(head.tlp)) continue;
    auto item = tx.find_item(head.id);
    if (!item || item->actions.find(sha256) == std::string::npos) continue;
    if (!may_read(tx, *item, user)) return false;
  }
  return true;
}

void throw_item_unknown(const std::string& kind, const std::string& id) {
  throw Error(ErrorCategory::not_found, "item_unknown",
              "no " + (kind.empty() ? std::string("alert, request or case") : kind) + " with id " +
                  id + " on this node");
}

}  // namespace hotline::service
