// Words for people about judgements (report.h: describe, compare_judgements).
// Internal to the review part.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hotline/review/report.h"

namespace hotline::review::detail {

// j[key] without undefined behaviour: null when `j` is not an object or
// lacks `key` (a body or judgement may come from the other node's file).
const nlohmann::json& member(const nlohmann::json& j, std::string_view key);
// A string as it is, null as "none", anything else as JSON text.
std::string text_of(const nlohmann::json& v);

// "request 0193…a1b2", "alert …", "check …", "dispute …", "case …".
std::string item_name(const Judgement& j);
// "on time", "late", "pending (not due yet)", ...
std::string status_words(std::string_view status);
// "the acknowledgement", "the first response", "the final response".
std::string deadline_words(std::string_view deadline);
// The party's name in the body ("a" -> "alpha"), or the letter.
std::string party_name(const nlohmann::json& body, std::string_view party);
// "(sent 2026-03-02T10:14:05.000Z, due 2026-03-02T07:14:05.000Z)" from a deadline's detail.
std::string times_words(const nlohmann::json& deadline);

std::string describe_judgement(const Judgement& j, const nlohmann::json& body);

}  // namespace hotline::review::detail
