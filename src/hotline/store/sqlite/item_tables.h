// SQL for the desk's tables (items, escalations, attachment_links), as free
// functions over a connection; SqliteTransaction checks the transaction and
// calls these.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "hotline/store/records.h"
#include "hotline/store/sqlite/connection.h"

namespace hotline::store::sqlite {

void put_item(Connection& c, const ItemRecord& item);
std::optional<ItemRecord> find_item(Connection& c, std::string_view id);
std::vector<ItemRecord> list_items(Connection& c, std::string_view kind, std::string_view link,
                                   std::int64_t limit);
std::vector<ItemRecord> list_item_summaries(Connection& c, std::string_view kind,
                                            std::string_view link, std::int64_t limit);
std::vector<ItemRecord> find_item_summaries(Connection& c, const ItemQuery& query);

void insert_translation(Connection& c, const TranslationRecord& t);
std::vector<TranslationRecord> list_translations(Connection& c, std::string_view item_id);
std::optional<TranslationRecord> find_translation(Connection& c, std::string_view id);
bool delete_translation(Connection& c, std::string_view id);

std::int64_t insert_escalation(Connection& c, const EscalationRecord& e);
std::vector<EscalationRecord> list_escalations(Connection& c, std::int64_t after_id,
                                               std::int64_t limit);
std::vector<EscalationRecord> recent_escalations(Connection& c, std::int64_t offset,
                                                 std::int64_t limit);
std::int64_t count_escalations(Connection& c);
std::vector<EscalationRecord> pending_escalations(Connection& c, std::int64_t limit);
void update_escalation_delivery(Connection& c, const EscalationRecord& e);
bool insert_escalation_mail(Connection& c, const EscalationMailRecord& m);
std::vector<EscalationMailRecord> pending_escalation_mails(Connection& c, std::int64_t limit);
std::vector<EscalationMailRecord> list_escalation_mails(Connection& c, std::int64_t escalation_id);
void update_escalation_mail(Connection& c, const EscalationMailRecord& m);

void put_attachment_link(Connection& c, const AttachmentLinkRecord& r);
std::optional<AttachmentLinkRecord> find_attachment_link(Connection& c, std::string_view sha256,
                                                         std::string_view link,
                                                         Direction direction);
std::vector<AttachmentLinkRecord> list_attachment_links(Connection& c, std::string_view state,
                                                        std::int64_t limit);

}  // namespace hotline::store::sqlite
