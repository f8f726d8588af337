// The checkout's web/dist of this build (an absolute path), where
// `hotline serve` looks for the built web app when neither --web-root nor
// an installed share/hotline/web names one. Defined in a file CMake
// generates (cmake/web_dist.cpp.in), so that only that file changes with
// the checkout's place. Immutable; read from any thread.
#pragma once

namespace hotline::cli {

extern const char* const kBuildWebDist;

}  // namespace hotline::cli
