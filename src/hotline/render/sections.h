// The sections of the rendered report, each built from the body (body.h
// names a member that is missing or of the wrong type): the summary, one
// section per direction, disputes, shared cases, agreed adjustments and the
// provenance (the cut, the agreements, the tzdb version and the signatures).
//
// Pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "hotline/render/body.h"
#include "hotline/render/content.h"
#include "hotline/render/figures.h"

namespace hotline::render {

// "Agreed report: signed by both parties." and the like, from "signatures".
std::string signature_state(const Words& w, const nlohmann::json& report);

Section summary_section(const Words& w, const Node& body);
Section direction_section(const Words& w, const Node& body, std::size_t index);
Section disputes_section(const Words& w, const Node& body);
Section cases_section(const Words& w, const Node& body);
Section adjustments_section(const Words& w, const Node& body);
Section provenance_section(const Words& w, const Node& body, const nlohmann::json& report);

}  // namespace hotline::render
