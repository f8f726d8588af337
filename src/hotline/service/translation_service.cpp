#include "hotline/service/translation_service.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "hotline/common/error.h"
#include "hotline/crypto/random.h"
#include "hotline/service/link_support.h"
#include "hotline/service/need_to_know.h"
#include "hotline/service/translations.h"

namespace hotline::service {
namespace {

store::ItemRecord readable_item(store::Transaction& tx, const std::string& id,
                                const store::UserRecord& by) {
  auto rec = tx.find_item(id);
  if (!rec || !may_read(tx, *rec, by.name)) throw_item_unknown("", id);
  return *rec;
}

[[noreturn]] void translation_invalid(const std::string& what) {
  throw Error(ErrorCategory::invalid_input, "translation_invalid", what);
}

void check_input(const TranslationInput& in, const nlohmann::json& document) {
  const auto& langs = translation_languages();
  if (std::find(langs.begin(), langs.end(), in.lang) == langs.end()) {
    std::string names;
    for (const auto& l : langs) names += (names.empty() ? "" : ", ") + l;
    translation_invalid("'lang' must be one of: " + names + "; found '" + in.lang + "'");
  }
  if (in.field.empty() || in.field.size() > kMaxTranslationFieldBytes) {
    translation_invalid(
        "'field' is a JSON pointer into the item's document without the leading '/', 1 to " +
        std::to_string(kMaxTranslationFieldBytes) + " bytes");
  }
  if (!text_at(document, in.field)) {
    translation_invalid(
        "'field' must point to a text of the item's document (e.g. \"summary\", "
        "\"history/0/note\"); '" +
        in.field + "' points to no text");
  }
  if (in.text.empty() || in.text.size() > kMaxTranslationBytes) {
    translation_invalid("'text' must be 1 to " + std::to_string(kMaxTranslationBytes) +
                        " bytes; found " + std::to_string(in.text.size()));
  }
}

}  // namespace

store::TranslationRecord add_translation(store::Store& store, const std::string& item_id,
                                         const TranslationInput& in, const store::UserRecord& by,
                                         TimePoint now, const AuditContext* audit_ctx) {
  return store.transact([&](store::Transaction& tx) {
    auto rec = readable_item(tx, item_id, by);
    const auto document = nlohmann::json::parse(rec.document);
    check_input(in, document);
    store::TranslationRecord t;
    t.id = crypto::new_id(now);
    t.item_id = rec.id;
    t.field = in.field;
    t.lang = in.lang;
    t.text = in.text;
    t.by = by.name;
    t.at = format_timestamp(now);
    t.source_sha256 = text_sha256(*text_at(document, in.field));
    tx.insert_translation(t);
    record_event(tx, now, "translation_added", rec.link,
                 "translation " + t.id + " added to " + rec.kind + " " + rec.id);
    if (audit_ctx) {
      audit(tx, *audit_ctx, "item.translation", rec.id, t.id + " " + t.field + " " + t.lang, now);
    }
    return t;
  });
}

void delete_translation(store::Store& store, const std::string& item_id,
                        const std::string& translation_id, const store::UserRecord& by,
                        TimePoint now, const AuditContext* audit_ctx) {
  store.transact([&](store::Transaction& tx) {
    auto rec = readable_item(tx, item_id, by);
    auto t = tx.find_translation(translation_id);
    if (!t || t->item_id != rec.id) {
      throw Error(ErrorCategory::not_found, "translation_unknown",
                  "no translation " + translation_id + " of " + rec.kind + " " + rec.id);
    }
    const bool supervisor =
        std::find(by.roles.begin(), by.roles.end(), "supervisor") != by.roles.end();
    if (t->by != by.name && !supervisor) {
      throw Error(ErrorCategory::forbidden, "translation_forbidden",
                  "only the translation's author (" + t->by + ") or a supervisor may delete it");
    }
    tx.delete_translation(t->id);
    if (audit_ctx) {
      audit(tx, *audit_ctx, "item.translation_delete", rec.id,
            t->id + " " + t->field + " " + t->lang, now);
    }
  });
}

}  // namespace hotline::service
