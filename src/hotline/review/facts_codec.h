// A compact binary form of one item's or case's review facts (facts.h), kept
// beside the item in the store so that a report over a million items decodes
// them (about 100 ns each) instead of replaying their logs. Pure: bytes in,
// facts out, no I/O.
//
// Layout (version 1): a version byte, a tag ('i' item, 'c' case), then the
// members in declaration order: integers little-endian (Millis and seqs 8
// bytes, counts and ratings 4), a presence byte before each optional, a
// length (4 bytes) before each text and list, parties as one byte (0 a, 1 b).
//
// Thread-safety: free functions, no shared state.
#pragma once

#include <string>
#include <string_view>

#include "hotline/review/facts.h"

namespace hotline::review {

std::string encode(const ItemFacts& f);
std::string encode(const CaseFacts& c);

// What a stored form holds: its tag ('i' or 'c').
// Throws hotline::Error "review_facts_invalid" on an unknown version.
char facts_tag(std::string_view bytes);

// Throw hotline::Error "review_facts_invalid" naming what was expected and
// found when the bytes are not a whole version-1 form of that tag.
ItemFacts decode_item(std::string_view bytes);
CaseFacts decode_case(std::string_view bytes);

// The same facts seen from the other party's node: every Party swapped.
void swap_parties(ItemFacts& f);
void swap_parties(CaseFacts& c);

}  // namespace hotline::review
