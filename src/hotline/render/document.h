// The content of a report in one language (content.h): build_document()
// reads the report (body.h checks each member it reads) and chooses every
// word and number; the renderers only lay it out.
//
// Pure and thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "hotline/render/content.h"
#include "hotline/render/render.h"

namespace hotline::render {

// Throws hotline::Error "review_invalid" naming the member of a report that
// is not as docs/review.md describes.
Document build_document(const nlohmann::json& report, Lang lang);

}  // namespace hotline::render
