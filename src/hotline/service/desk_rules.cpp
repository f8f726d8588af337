#include "hotline/service/desk_rules.h"

#include <exception>

#include <nlohmann/json.hpp>

namespace hotline::service {

std::int64_t attachment_limit(store::Transaction& tx) {
  auto v = tx.get_setting(kAttachmentLimitSetting);
  if (!v) return kDefaultAttachmentLimit;
  try {
    return std::stoll(*v);
  } catch (const std::exception&) {
    return kDefaultAttachmentLimit;
  }
}

bool is_item_envelope(const std::string& type) {
  return type.rfind("alert.", 0) == 0 || type.rfind("request.", 0) == 0 ||
         type.rfind("case.", 0) == 0 || type.rfind("dispute.", 0) == 0 ||
         type.rfind("round.", 0) == 0;
}

bool is_tlp_red(store::Transaction& tx, const link::Envelope& e) {
  if (!is_item_envelope(e.type)) return false;
  const auto& args = e.body.is_object() ? e.body.value("args", nlohmann::json::object())
                                        : nlohmann::json::object();
  if (args.is_object() && args.contains("labels") && args["labels"].is_object() &&
      args["labels"].value("tlp", "") == "TLP:RED") {
    return true;
  }
  if (!e.ref) return false;
  auto rec = tx.find_item(*e.ref);
  return rec && rec->tlp == "TLP:RED";
}

}  // namespace hotline::service
