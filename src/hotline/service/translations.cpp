#include "hotline/service/translations.h"

#include "hotline/common/encoding.h"
#include "hotline/crypto/sha256.h"

namespace hotline::service {

const std::vector<std::string>& translation_languages() {
  static const std::vector<std::string> langs = {"en", "zh-CN"};
  return langs;
}

std::optional<std::string> text_at(const nlohmann::json& document, const std::string& field) {
  if (field.empty() || field.front() == '/') return std::nullopt;
  try {
    const nlohmann::json::json_pointer ptr("/" + field);
    if (!document.contains(ptr)) return std::nullopt;
    const auto& v = document.at(ptr);
    if (!v.is_string()) return std::nullopt;
    return v.get<std::string>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a malformed pointer, or an array index that is not a number
  }
}

std::string text_sha256(const std::string& text) {
  return to_hex(crypto::sha256(text));
}

nlohmann::json to_json(const store::TranslationRecord& t, const nlohmann::json& document) {
  auto now = text_at(document, t.field);
  return {{"id", t.id},
          {"field", t.field},
          {"lang", t.lang},
          {"text", t.text},
          {"by", t.by},
          {"at", t.at},
          {"source_sha256", t.source_sha256},
          {"current", now && text_sha256(*now) == t.source_sha256}};
}

nlohmann::json translations_of(store::Transaction& tx, const std::string& item_id,
                               const nlohmann::json& document) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : tx.list_translations(item_id)) out.push_back(to_json(t, document));
  return out;
}

}  // namespace hotline::service
