// SQL for the desk's tables (items, escalations, attachment_links), as free
// functions over a connection; PostgresTransaction checks the transaction and
// calls these.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "hotline/store/postgres/conn.h"
#include "hotline/store/records.h"

namespace hotline::store::postgres {

// An item from a row of the columns id, kind, link, state, tlp, title,
// document, actions, created_at, updated_at (in this order).
ItemRecord read_item(const pqxx::row& row);

void put_item(Conn& c, const ItemRecord& item);
std::optional<ItemRecord> find_item(Conn& c, std::string_view id);
std::vector<ItemRecord> list_items(Conn& c, std::string_view kind, std::string_view link,
                                   std::int64_t limit);
std::vector<ItemRecord> list_item_summaries(Conn& c, std::string_view kind, std::string_view link,
                                            std::int64_t limit);
std::vector<ItemRecord> find_item_summaries(Conn& c, const ItemQuery& query);

void insert_translation(Conn& c, const TranslationRecord& t);
std::vector<TranslationRecord> list_translations(Conn& c, std::string_view item_id);
std::optional<TranslationRecord> find_translation(Conn& c, std::string_view id);
bool delete_translation(Conn& c, std::string_view id);

std::int64_t insert_escalation(Conn& c, const EscalationRecord& e);
std::vector<EscalationRecord> list_escalations(Conn& c, std::int64_t after_id, std::int64_t limit);
std::vector<EscalationRecord> recent_escalations(Conn& c, std::int64_t offset, std::int64_t limit);
std::int64_t count_escalations(Conn& c);
std::vector<EscalationRecord> pending_escalations(Conn& c, std::int64_t limit);
void update_escalation_delivery(Conn& c, const EscalationRecord& e);
bool insert_escalation_mail(Conn& c, const EscalationMailRecord& m);
std::vector<EscalationMailRecord> pending_escalation_mails(Conn& c, std::int64_t limit);
std::vector<EscalationMailRecord> list_escalation_mails(Conn& c, std::int64_t escalation_id);
void update_escalation_mail(Conn& c, const EscalationMailRecord& m);

void put_attachment_link(Conn& c, const AttachmentLinkRecord& r);
std::optional<AttachmentLinkRecord> find_attachment_link(Conn& c, std::string_view sha256,
                                                         std::string_view link,
                                                         Direction direction);
std::vector<AttachmentLinkRecord> list_attachment_links(Conn& c, std::string_view state,
                                                        std::int64_t limit);

}  // namespace hotline::store::postgres
