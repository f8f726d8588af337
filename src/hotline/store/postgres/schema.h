// The PostgreSQL schema, one part per group of tables; each part is defined
// beside its group's SQL (<group>_tables.cpp). Migration 1 (migrations.cpp)
// creates them all, in this order (a part may refer to the tables of the
// parts before it); later migrations change them.
#pragma once

namespace hotline::store::postgres {

extern const char* const kSettingsSchema;  // settings (postgres_store.cpp)
extern const char* const kLinkSchema;      // envelopes, outbox, receipts, peers, link_state,
                                           // events, desk_messages, agreements
extern const char* const kLedgerSchema;    // ledger_leaves, ledger_nodes, tree_heads
extern const char* const kItemSchema;      // items, item_facets, translations, escalations,
                                           // attachment_links
extern const char* const kReviewSchema;    // reviews, review_facts
extern const char* const kUserSchema;      // users, api_tokens, sessions
extern const char* const kAuditSchema;     // audit_trail

// Later migrations' parts.
extern const char* const kSignInFailuresSchema;  // 2: sign_in_failures (user_tables.cpp)
extern const char* const kEscalationMailSchema;  // 4: escalation_mails (item_tables.cpp)

}  // namespace hotline::store::postgres
