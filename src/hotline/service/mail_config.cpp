#include "hotline/service/mail_config.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "hotline/common/encoding.h"
#include "hotline/common/error.h"
#include "hotline/common/escape.h"
#include "hotline/crypto/sha256.h"
#include "hotline/service/need_to_know.h"

namespace hotline::service {
namespace {

using nlohmann::json;

constexpr const char* mail_kKinds[] = {"alert", "request", "round"};
constexpr std::size_t mail_kMaxRecipients = 50;

[[noreturn]] void mail_invalid(const std::string& message) {
  throw Error(ErrorCategory::invalid_input, "mail_invalid", message);
}

std::string mail_escape_for_message(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 120)) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
  return out;
}

bool mail_valid_address(std::string_view a) {
  if (a.empty() || a.size() > 254) return false;
  const auto at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= a.size()) return false;
  if (a.find('@', at + 1) != std::string_view::npos) return false;
  return std::all_of(a.begin(), a.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || std::string_view("@.-_+=").find(c) != std::string_view::npos;
  });
}

void mail_check_address(std::string_view a, std::string_view what) {
  if (!mail_valid_address(a)) {
    mail_invalid(
        std::string(what) + " \"" + mail_escape_for_message(a) +
        "\" is not an e-mail address (expected local@domain, letters, digits and . - _ + =)");
  }
}

std::vector<std::string> mail_split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto end = s.find(sep, start);
    out.emplace_back(s.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::string mail_kind_of(const store::EscalationRecord& e) {
  return e.trigger.substr(0, e.trigger.find('.'));
}

}  // namespace

MailRecipient parse_mail_recipient(std::string_view text) {
  auto parts = mail_split(text, ':');
  if (parts.size() > 3)
    mail_invalid("recipient \"" + mail_escape_for_message(text) + "\" has too many ':'");
  MailRecipient r;
  r.address = parts[0];
  mail_check_address(r.address, "recipient");
  if (parts.size() > 1 && !parts[1].empty()) r.lang = parts[1] == "zh-cn" ? "zh-CN" : parts[1];
  if (r.lang != "en" && r.lang != "zh-CN") {
    mail_invalid("recipient " + r.address + ": language \"" + mail_escape_for_message(r.lang) +
                 "\" (expected en or zh-CN)");
  }
  if (parts.size() > 2 && !parts[2].empty()) {
    for (auto& k : mail_split(parts[2], ',')) {
      if (std::find(std::begin(mail_kKinds), std::end(mail_kKinds), k) == std::end(mail_kKinds)) {
        mail_invalid("recipient " + r.address + ": kind \"" + mail_escape_for_message(k) +
                     "\" (expected alert, request or round)");
      }
      if (std::find(r.kinds.begin(), r.kinds.end(), k) == r.kinds.end()) r.kinds.push_back(k);
    }
  }
  return r;
}

std::string format_mail_recipient(const MailRecipient& r) {
  std::string out = r.address + ":" + r.lang;
  if (!r.kinds.empty()) {
    out += ":";
    for (std::size_t i = 0; i < r.kinds.size(); ++i) out += (i ? "," : "") + r.kinds[i];
  }
  return out;
}

void validate_mail_config(const MailConfig& c) {
  if (c.host.empty() || c.host.size() > 253 ||
      !std::all_of(c.host.begin(), c.host.end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == ':';
      })) {
    mail_invalid("the relay's host \"" + mail_escape_for_message(c.host) +
                 "\" is not a host name or IP address");
  }
  if (c.port == 0) mail_invalid("the relay's port must be 1-65535");
  if (!c.user.empty() && c.password.empty()) mail_invalid("a user is set but no password");
  mail_check_address(c.from, "the From address");
  if (c.base_url.rfind("https://", 0) != 0 && c.base_url.rfind("http://", 0) != 0) {
    mail_invalid("the web app's base URL \"" + mail_escape_for_message(c.base_url) +
                 "\" must start with https:// (or http://)");
  }
  if (c.recipients.empty()) mail_invalid("no recipients (expected --to ADDRESS[:LANG[:KINDS]])");
  if (c.recipients.size() > mail_kMaxRecipients) mail_invalid("more than 50 recipients");
  for (const auto& r : c.recipients) parse_mail_recipient(format_mail_recipient(r));
}

std::optional<MailConfig> load_mail_config(store::Transaction& tx) {
  auto host = tx.get_setting("mail.host");
  if (!host || host->empty()) return std::nullopt;
  MailConfig c;
  c.host = *host;
  try {
    c.port = static_cast<std::uint16_t>(std::stoi(tx.get_setting("mail.port").value_or("587")));
    c.implicit_tls = tx.get_setting("mail.tls").value_or("") == "implicit";
    c.ca_file = tx.get_setting("mail.ca_file").value_or("");
    c.user = tx.get_setting("mail.user").value_or("");
    c.password = tx.get_setting("mail.password").value_or("");
    c.from = tx.get_setting("mail.from").value_or("");
    c.base_url = tx.get_setting("mail.base_url").value_or("");
    for (const auto& r : json::parse(tx.get_setting("mail.to").value_or("[]"))) {
      c.recipients.push_back(parse_mail_recipient(r.get<std::string>()));
    }
    validate_mail_config(c);
  } catch (const std::exception& e) {
    mail_invalid(
        std::string("the stored mail configuration is mail_invalid (fix it with `hotline mail "
                    "set`): ") +
        e.what());
  }
  return c;
}

void save_mail_config(store::Transaction& tx, const MailConfig& c) {
  validate_mail_config(c);
  tx.put_setting("mail.host", c.host);
  tx.put_setting("mail.port", std::to_string(c.port));
  tx.put_setting("mail.tls", c.implicit_tls ? "implicit" : "starttls");
  tx.put_setting("mail.ca_file", c.ca_file);
  tx.put_setting("mail.user", c.user);
  tx.put_setting("mail.password", c.password);
  tx.put_setting("mail.from", c.from);
  tx.put_setting("mail.base_url", c.base_url);
  json to = json::array();
  for (const auto& r : c.recipients) to.push_back(format_mail_recipient(r));
  tx.put_setting("mail.to", to.dump());
  if (auto cursor = tx.get_setting("mail.cursor"); !cursor || cursor->empty()) {
    std::int64_t last = 0;
    for (;;) {
      auto batch = tx.list_escalations(last, 1000);
      if (batch.empty()) break;
      last = batch.back().id;
    }
    tx.put_setting("mail.cursor", std::to_string(last));
  }
}

void clear_mail_config(store::Transaction& tx) {
  for (const char* key : {"mail.host", "mail.user", "mail.password", "mail.to", "mail.cursor"}) {
    tx.put_setting(key, "");
  }
}

std::vector<EscalationMails> recent_escalation_mails(store::Transaction& tx, std::size_t offset,
                                                     std::size_t limit) {
  std::vector<EscalationMails> out;
  for (auto& e : tx.recent_escalations(offset, limit)) {
    auto mails = tx.list_escalation_mails(e.id);
    out.push_back({std::move(e), std::move(mails)});
  }
  return out;
}

std::string mail_delivery_state(const store::EscalationMailRecord& m) {
  if (m.state != "pending") return m.state;
  return m.attempts > 0 ? "retrying" : "queued";
}

bool mail_recipient_wants(const MailRecipient& r, const store::EscalationRecord& e) {
  return r.kinds.empty() ||
         std::find(r.kinds.begin(), r.kinds.end(), mail_kind_of(e)) != r.kinds.end();
}

std::string escalation_message_id(std::int64_t escalation_id, std::string_view recipient,
                                  std::string_view from) {
  const auto digest = crypto::sha256(recipient);
  const std::string hash = to_hex(std::span<const std::uint8_t>(digest.data(), 8));
  const auto at = from.find('@');
  const std::string domain(at == std::string_view::npos ? "hotline.invalid" : from.substr(at + 1));
  return "<hotline.esc-" + std::to_string(escalation_id) + "." + hash + "@" + domain + ">";
}

int queue_escalation_mails(store::Transaction& tx, const MailConfig& config, TimePoint now,
                           std::size_t limit) {
  std::int64_t cursor = 0;
  if (auto c = tx.get_setting("mail.cursor"); c && !c->empty()) cursor = std::stoll(*c);
  auto batch = tx.list_escalations(cursor, limit);
  int queued = 0;
  for (const auto& e : batch) {
    for (const auto& r : config.recipients) {
      if (!mail_recipient_wants(r, e)) continue;
      store::EscalationMailRecord m;
      m.escalation_id = e.id;
      m.recipient = r.address;
      m.lang = r.lang;
      m.message_id = escalation_message_id(e.id, r.address, config.from);
      m.created_at = format_timestamp(now);
      if (tx.insert_escalation_mail(m)) ++queued;
    }
    cursor = e.id;
  }
  if (!batch.empty()) tx.put_setting("mail.cursor", std::to_string(cursor));
  return queued;
}

// ---------------------------------------------------------------------------
// What the messages say

namespace {

struct MailWords {
  const char* overdue_prefix;
  const char* alert_100;
  const char* alert_200;
  const char* request_used;  // "{pct}" "{name}"
  const char* acknowledge;
  const char* respond;
  const char* meeting;  // "{days}"
  const char* action;   // "{n}"
  const char* other;
  const char* item_word;
  const char* title;
  const char* peer;
  const char* recorded;
  const char* due;
  const char* open;
  const char* withheld;
  const char* footer;
};

constexpr MailWords mail_kEn = {
    "[Hotline] ",
    "Alert not acknowledged by its deadline",
    "Alert still not acknowledged at twice its deadline",
    "Request: {pct}% of the time to {name} used",
    "acknowledge",
    "respond",
    "Review round meeting in {days} day(s) or less",
    "Review round action item {n} is overdue",
    "Escalation",
    "Item",
    "Title",
    "Peer",
    "Recorded at (UTC)",
    "Deadline (UTC)",
    "Open it in Hotline",
    "This item is labelled TLP:RED: its content is not sent by e-mail. Open it in Hotline to "
    "see it.",
    "Sent by the Hotline node of the duty desk. Do not reply to this message.",
};

constexpr MailWords mail_kZh = {
    "[Hotline] ",
    "告警在期限内未被确认",
    "告警已超过两倍期限仍未确认",
    "请求：{name}时限已用 {pct}%",
    "确认",
    "答复",
    "复盘会议将在 {days} 天内举行",
    "复盘行动项 {n} 已逾期",
    "升级提醒",
    "事项",
    "标题",
    "对方",
    "记录时间（UTC）",
    "期限（UTC）",
    "在 Hotline 中打开",
    "此事项标记为 TLP:RED：其内容不通过电子邮件发送。请在 Hotline 中查看。",
    "由值班台的 Hotline 节点发送。请勿回复此邮件。",
};

std::string mail_replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

// "alert.acknowledge.100" -> words in the recipient's language; none of the
// item's content.
std::string mail_headline(const MailWords& w, const std::string& trigger) {
  auto parts = mail_split(trigger, '.');
  const std::string& kind = parts[0];
  if (kind == "alert" && parts.size() == 3) return parts[2] == "100" ? w.alert_100 : w.alert_200;
  if (kind == "request" && parts.size() == 3) {
    std::string name = parts[1] == "acknowledge" ? w.acknowledge
                       : parts[1] == "respond"   ? w.respond
                                                 : parts[1];
    return mail_replace_all(mail_replace_all(w.request_used, "{pct}", parts[2]), "{name}", name);
  }
  if (kind == "round" && parts.size() >= 3 && parts[1] == "meeting") {
    return mail_replace_all(w.meeting, "{days}", parts[2].substr(0, parts[2].find('d')));
  }
  if (kind == "round" && parts.size() >= 3 && parts[1] == "action") {
    return mail_replace_all(w.action, "{n}", parts[2]);
  }
  return w.other;
}

std::string mail_item_path(const std::string& kind, const std::string& id) {
  if (kind == "alert") return "/alerts/" + id;
  if (kind == "request") return "/requests/" + id;
  if (kind == "case") return "/cases/" + id;
  return "/review/rounds/" + id;
}

std::string mail_text_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Base64 in lines of 76 characters (RFC 2045).
std::string mail_base64_lines(std::string_view bytes) {
  const std::string all = base64_encode(bytes);
  std::string out;
  for (std::size_t i = 0; i < all.size(); i += 76) out += all.substr(i, 76) + "\r\n";
  return out;
}

// RFC 2047 encoded-words, each at most 75 characters, mail_split on UTF-8
// character boundaries; pure ASCII printable text is left as it is.
std::string mail_encode_header_text(std::string_view text) {
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) {
    return std::string(text);
  }
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = std::min(text.size(), i + 39);  // 39 bytes -> 52 base64 characters
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

}  // namespace

MailText escalation_mail_text(const store::EscalationRecord& e, std::string_view lang,
                              std::string_view base_url) {
  const MailWords& w = lang == "zh-CN" ? mail_kZh : mail_kEn;
  json p = json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
  const bool parsed = p.is_object();
  const std::string tlp = parsed ? mail_text_of(p, "tlp") : std::string();
  const bool withheld = !parsed || tlp.empty() || withholds_content(tlp);
  const json item = parsed && p.contains("item") ? p["item"] : json::object();
  const std::string kind = item.is_object() && !mail_text_of(item, "kind").empty()
                               ? mail_text_of(item, "kind")
                               : e.item_kind;
  const std::string id = e.item_id;
  std::string title = withheld || !item.is_object() ? std::string() : mail_text_of(item, "title");
  std::string due;
  if (parsed && p.contains("deadline") && p["deadline"].is_object()) {
    due = mail_text_of(p["deadline"], "due_at");
  }
  const std::string peer = parsed ? mail_text_of(p, "peer") : std::string();
  std::string url(base_url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += mail_item_path(kind, id);

  MailText t;
  const std::string head = mail_headline(w, e.trigger);
  t.subject = std::string(w.overdue_prefix) + head + " (" + kind + " " + id.substr(0, 13) + ")";
  std::vector<std::pair<std::string, std::string>> rows = {{w.item_word, kind + " " + id}};
  if (!title.empty()) rows.emplace_back(w.title, title);
  if (!peer.empty()) rows.emplace_back(w.peer, peer);
  rows.emplace_back(w.recorded, e.at);
  if (!due.empty()) rows.emplace_back(w.due, due);

  t.plain = head + "\n\n";
  t.html = "<!DOCTYPE html>\n<html lang=\"" + std::string(lang) +
           "\"><head><meta charset=\"utf-8\"></head><body>\n<h2>" + html_escape(head) +
           "</h2>\n<table>\n";
  for (const auto& [k, v] : rows) {
    t.plain += k + ": " + v + "\n";
    t.html +=
        "<tr><th align=\"left\">" + html_escape(k) + "</th><td>" + html_escape(v) + "</td></tr>\n";
  }
  t.html += "</table>\n";
  if (withheld) {
    t.plain += "\n" + std::string(w.withheld) + "\n";
    t.html += "<p>" + html_escape(w.withheld) + "</p>\n";
  }
  t.plain += "\n" + std::string(w.open) + ": " + url + "\n\n-- \n" + w.footer + "\n";
  t.html += "<p><a href=\"" + html_escape(url) + "\">" + html_escape(w.open) + "</a></p>\n<p>" +
            html_escape(w.footer) + "</p>\n</body></html>\n";
  return t;
}

MailText test_mail_text(std::string_view party, std::string_view lang) {
  MailText t;
  const bool zh = lang == "zh-CN";
  t.subject = zh ? "[Hotline] 测试邮件" : "[Hotline] Test message";
  const std::string line =
      zh ? "这是 " + std::string(party) +
               " 的 Hotline 节点发送的测试邮件：升级提醒可以通过电子邮件送达。无需处理。"
         : "Test message from the Hotline node of " + std::string(party) +
               ": escalations can reach you by e-mail. Nothing to do.";
  t.plain = line + "\n";
  t.html = "<!DOCTYPE html>\n<html lang=\"" + std::string(lang) +
           "\"><head><meta charset=\"utf-8\"></head><body><p>" + html_escape(line) +
           "</p></body></html>\n";
  return t;
}

std::string mime_message(const std::string& from, const std::string& to, const MailText& text,
                         const std::string& message_id, TimePoint date) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(date.time_since_epoch());
  const std::time_t tt = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char when[64];
  std::strftime(when, sizeof when, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  const std::string boundary =
      "=_hotline_" + to_hex(std::span<const std::uint8_t>(crypto::sha256(message_id).data(), 12));
  std::string m;
  m += "From: Hotline <" + from + ">\r\n";
  m += "To: <" + to + ">\r\n";
  m += "Subject: " + mail_encode_header_text(text.subject) + "\r\n";
  m += "Date: " + std::string(when) + "\r\n";
  m += "Message-ID: " + message_id + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
  m += "\r\n";
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += mail_base64_lines(mail_replace_all(text.plain, "\n", "\r\n"));
  m += "--" + boundary + "\r\n";
  m += "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += mail_base64_lines(mail_replace_all(text.html, "\n", "\r\n"));
  m += "--" + boundary + "--\r\n";
  return m;
}

}  // namespace hotline::service
