// Translations of an item's texts, as an item document shows them: support
// for the desk's views (desk_service.h) and for the translation use cases
// (translation_service.h). A translation is kept on this node only; it is
// never sent to the peer.
//
// A translation names its text by `field`, a JSON pointer into the item's
// document without the leading '/' ("summary", "history/4/note",
// "timeline/3/text"), which must point to a string; it keeps the SHA-256 of
// that text, so that it shows as out of date ("current": false) once the
// text there is no longer the one translated.
//
// Thread-safety: free functions; the language list is immutable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hotline/store/records.h"
#include "hotline/store/store.h"

namespace hotline::service {

// The languages a translation may be in (BCP 47 tags): the web app's
// languages. Fixed; model/vocabulary.h names none.
const std::vector<std::string>& translation_languages();

// The text `field` points to in `document`, or nullopt when the pointer is
// malformed, names nothing, or names something other than a string.
std::optional<std::string> text_at(const nlohmann::json& document, const std::string& field);

// Hex SHA-256 of a text.
std::string text_sha256(const std::string& text);

// {"id","field","lang","text","by","at","source_sha256","current"}, with
// "current" computed against `document`.
nlohmann::json to_json(const store::TranslationRecord& t, const nlohmann::json& document);

// Every translation of the item, oldest first, as to_json() gives them.
nlohmann::json translations_of(store::Transaction& tx, const std::string& item_id,
                               const nlohmann::json& document);

}  // namespace hotline::service
