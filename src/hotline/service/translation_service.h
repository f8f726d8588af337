// Use cases: translations of an item's texts (translations.h), kept on this
// node only: they never travel to the peer, and the item's own state and
// log do not change.
//
// Read rules: the item's (need_to_know.h): a TLP:RED item the person may
// not read is item_unknown. A translation's text is never written to a log,
// an event or the audit trail: the event "translation_added" and the audit
// entries ("item.translation", "item.translation_delete", target the item
// id, detail "<translation id> <field> <lang>") name the item only.
//
// Errors (hotline::Error codes):
//   item_unknown            no such item (or not readable by this person)
//   translation_invalid     a field that names no text of the item, a
//                           language not in translation_languages(), an empty
//                           or too long text (the message says which)
//   translation_unknown     no translation with that id on that item
//   translation_forbidden   deleting someone else's translation, not being a
//                           supervisor
//
// Thread-safety: free functions over a Store (thread-safe); no state.
#pragma once

#include <string>

#include "hotline/common/time.h"
#include "hotline/service/audit_trail.h"
#include "hotline/store/records.h"
#include "hotline/store/store.h"

namespace hotline::service {

inline constexpr std::size_t kMaxTranslationBytes = 64 * 1024;
inline constexpr std::size_t kMaxTranslationFieldBytes = 200;

struct TranslationInput {
  std::string field;  // JSON pointer without the leading '/'
  std::string lang;
  std::string text;
};

// Adds a translation to item `item_id` (full id) by user `by`; returns it.
store::TranslationRecord add_translation(store::Store& store, const std::string& item_id,
                                         const TranslationInput& input, const store::UserRecord& by,
                                         TimePoint now, const AuditContext* audit = nullptr);

// Deletes translation `translation_id` of item `item_id`: by its author or
// a supervisor who may read the item.
void delete_translation(store::Store& store, const std::string& item_id,
                        const std::string& translation_id, const store::UserRecord& by,
                        TimePoint now, const AuditContext* audit = nullptr);

}  // namespace hotline::service
