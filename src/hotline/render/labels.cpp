#include "hotline/render/labels.h"

#include <algorithm>

#include "hotline/common/error.h"

namespace hotline::render {

namespace {

// key, English, Simplified Chinese. Keys are grouped by where they appear.
const std::vector<LabelEntry> kCatalog = {
    // The document.
    {"title", "Hotline review report", "热线联络机制评估报告"},
    {"subtitle", "Timeliness and quality of responses between {a} and {b}",
     "{a}与{b}之间答复的及时性与质量"},
    {"period", "Period", "评估期间"},
    {"previous_period", "Previous period", "上一期间"},
    {"range", "{from} to {to}", "{from}至{to}"},
    {"as_of", "Figures as of {to}; cut at message {na} from {a} and message {nb} from {b}.",
     "数据截至{to}；截取点：{a}发出的第{na}号消息、{b}发出的第{nb}号消息。"},
    {"state_agreed", "Agreed report: signed by both parties.", "议定报告：已经双方签署。"},
    {"state_one", "Signed by {party} only: not yet agreed by the other party.",
     "仅经{party}签署：尚未经另一方确认。"},
    {"state_none", "Not signed.", "未签署。"},
    {"parties", "Parties", "双方"},
    {"party", "Party", "当事方"},
    {"party_a", "Party A", "甲方"},
    {"party_b", "Party B", "乙方"},
    {"name", "Name", "名称"},
    {"time_zone", "Time zone", "时区"},
    // Sections.
    {"summary", "Summary", "概要"},
    {"direction", "{a} asks {b}", "{a}向{b}提出的请求"},
    {"direction_note",
     "Requests and alerts sent by {a} and answered by {b}; the deadlines are {b}'s.",
     "由{a}发出、{b}答复的请求和警报；所列期限均为{b}的答复期限。"},
    {"requests_all", "Requests, all kinds", "全部请求"},
    {"group", "{kind}, {priority}", "{kind}（{priority}）"},
    {"alerts_all", "Alerts, all priorities", "全部警报"},
    {"alerts_group", "Alerts, {priority}", "警报（{priority}）"},
    {"takedown", "Takedown requests", "删除请求"},
    {"checks", "Communication checks", "联络测试"},
    {"disputes", "Disputes", "争议"},
    {"cases", "Shared cases", "共同案件"},
    {"adjustments", "Agreed adjustments", "商定的调整"},
    {"adjustments_none", "No adjustment was applied.", "未适用任何调整。"},
    {"provenance", "Provenance", "数据来源与签名"},
    {"method", "How the figures are counted", "统计方法"},
    {"method_text",
     "Each item counts in the period in which the responder received it, by the time of its "
     "signed receipt. Deadlines and durations are counted as the agreement in force at receipt "
     "counts them: around the clock, or in the responder's office hours without its holidays; "
     "pauses while a clarification is awaited are not counted. Median: the lower median; 90th "
     "percentile: nearest rank; shares are rounded down to 0.1 %. Both parties compute the same "
     "figures from the same signed records.",
     "每一事项计入答复方收到该事项的期间，以其签名回执的时间为准。期限和用时按收到时有效的协议计算"
     "："
     "全天候计算，或仅计答复方的工作时间（不含节假日）；等待澄清的时间不计入。中位数取下中位数；"
     "第90百分位按最近秩法计算；比例向下取整至0.1%。双方根据相同的签名记录计算出相同的数据。"},
    // Table heads.
    {"figure", "Figure", "指标"},
    {"current", "This period", "本期"},
    {"previous", "Previous period", "上期"},
    {"trend", "Trend", "趋势"},
    // Trends: the arrow says where the figure went, the word what that means.
    {"trend_better", "better", "改善"},
    {"trend_worse", "worse", "变差"},
    {"trend_same", "unchanged", "持平"},
    {"trend_up", "up", "上升"},
    {"trend_down", "down", "下降"},
    {"none", "—", "—"},
    // Kinds and priorities (model/agreement.h kKinds, kPriorities).
    {"kind.alert", "alert", "警报"},
    {"kind.request.information", "request for information", "信息请求"},
    {"kind.request.preservation", "preservation request", "数据保全请求"},
    {"kind.request.takedown", "takedown request", "删除请求"},
    {"kind.request.assistance", "request for assistance", "协助请求"},
    {"priority.urgent", "urgent", "紧急"},
    {"priority.normal", "normal", "普通"},
    // Deadlines and their statuses.
    {"deadline.acknowledge", "Acknowledgement", "确认"},
    {"deadline.first_response", "First response", "首次答复"},
    {"deadline.final_response", "Final response", "最终答复"},
    {"status.on_time", "on time", "按时"},
    {"status.late", "late", "逾期完成"},
    {"status.pending", "not yet due", "尚未到期"},
    {"status.overdue", "overdue, not done", "逾期未完成"},
    {"status.ended", "ended before done (declined or withdrawn)", "完成前终止（拒绝或撤回）"},
    {"status.no_deadline", "no deadline agreed", "未约定期限"},
    {"status.share", "share on time", "按时率"},
    {"deadline_status", "{deadline}: {status}", "{deadline}：{status}"},
    // Durations.
    {"stat.time_to_acknowledge", "Time to acknowledge", "确认用时"},
    {"stat.time_to_first_response", "Time to first response", "首次答复用时"},
    {"stat.time_to_final_response", "Time to final response", "最终答复用时"},
    {"stat.time_to_answer", "Time to answer", "应答用时"},
    {"measure.median_s", "median", "中位数"},
    {"measure.p90_s", "90th percentile", "第90百分位"},
    {"measure.mean_s", "mean", "平均值"},
    {"stat_measure", "{stat}, {measure}", "{stat}（{measure}）"},
    // Requests.
    {"received", "Requests received", "收到的请求"},
    {"open_at_end", "Open at the cut", "截至统计时未办结"},
    {"overdue_at_end", "Open and overdue at the cut", "截至统计时未办结且已逾期"},
    {"declined", "Declined", "拒绝"},
    {"declined_reason", "Declined: {reason}", "拒绝：{reason}"},
    {"reason.outside_scope", "outside the agreed scope", "超出约定范围"},
    {"reason.insufficient_information", "insufficient information", "信息不足"},
    {"reason.legal_obstacle", "legal obstacle", "存在法律障碍"},
    {"reason.not_competent", "not the competent authority", "非主管机关"},
    {"reason.duplicate", "duplicate", "重复请求"},
    {"reason.other", "other reason", "其他原因"},
    {"withdrawn", "Withdrawn", "撤回"},
    {"clarifications", "Clarifications asked", "要求澄清次数"},
    {"rated", "Rated at close", "结案时已评分"},
    {"rated_share", "Share rated", "评分率"},
    {"rating.completeness", "Completeness", "完整性"},
    {"rating.usefulness", "Usefulness", "有用性"},
    {"rating_mean", "{rating}, mean score (1 to 5)", "{rating}平均分（1至5分）"},
    {"rating_distribution", "{rating}, scores 1 to 5 given", "{rating}评分分布（1至5分）"},
    // Alerts.
    {"raised", "Alerts raised", "发出的警报"},
    {"escalated", "Escalated", "已升级"},
    // Takedown.
    {"takedown.requests", "Takedown requests received", "收到的删除请求"},
    {"takedown.removed_on_time", "Removed within the agreed time", "在约定时限内删除"},
    {"takedown.removed_late", "Removed late", "逾期删除"},
    {"takedown.not_removed", "Not removed", "未删除"},
    {"takedown.share", "Share removed on time", "按时删除率"},
    // Checks.
    {"checks.held", "Checks held", "已进行的测试"},
    {"checks.answered_in_time", "Answered by a person in time", "值班人员按时应答"},
    {"checks.answered_late", "Answered late", "逾期应答"},
    {"checks.unanswered", "Not answered", "未应答"},
    // Disputes.
    {"disputes.opened", "Disputes opened", "新提起的争议"},
    {"disputes.settled", "Settled", "已解决"},
    {"disputes.withdrawn", "Withdrawn", "已撤回"},
    {"disputes.open_at_end", "Open at the cut", "截至统计时未解决"},
    {"disputes.ground", "Opened on the ground of {ground}", "争议理由：{ground}"},
    {"ground.timeliness", "timeliness", "及时性"},
    {"ground.quality", "quality", "质量"},
    {"ground.attribution", "attribution", "归属认定"},
    {"ground.jurisdiction", "jurisdiction", "管辖权"},
    {"ground.other", "other", "其他"},
    // Cases.
    {"cases.opened", "Cases opened in the period", "本期新开案件"},
    {"cases.open_at_end", "Open at the cut", "截至统计时未结案件"},
    {"cases.closed_at_end", "Closed at the cut", "截至统计时已结案件"},
    {"cases.none", "No shared case.", "无共同案件。"},
    {"case", "Case", "案件"},
    {"opened_by", "Opened by", "开案方"},
    {"state", "State", "状态"},
    {"state.open", "open", "未结"},
    {"state.closed", "closed", "已结"},
    {"requests_answered", "Requests answered", "已答复的请求"},
    {"alerts_acknowledged", "Alerts acknowledged", "已确认的警报"},
    // Adjustments.
    {"item", "Item", "事项"},
    {"deadline", "Deadline", "期限"},
    {"dispute", "Dispute", "争议"},
    {"agreed_text", "Agreed text", "商定内容"},
    // Provenance.
    {"link", "Link", "链路"},
    {"cut", "Cut", "截取点"},
    {"cut_last", "Last message from {party}", "{party}发出的最后一条消息序号"},
    {"agreements", "Agreements used (SHA-256)", "所依据的协议（SHA-256）"},
    {"tzdb", "Time-zone database", "时区数据库版本"},
    {"signatures", "Signatures", "签名"},
    {"signatures_none", "The report carries no signature.", "本报告无签名。"},
    {"tree_size", "Tree head: size", "签名树头：记录数"},
    {"tree_root", "Tree head: root", "签名树头：根哈希"},
    {"tree_time", "Tree head: time", "签名树头：时间"},
    // Charts.
    {"chart.final_by_kind", "Final responses by kind and priority: on time, late, overdue",
     "按种类和优先级的最终答复：按时、逾期完成、逾期未完成"},
    {"chart.summary", "Final responses: on time, late, overdue",
     "最终答复：按时、逾期完成、逾期未完成"},
    {"chart.this", "this period", "本期"},
    {"chart.previous", "previous", "上期"},
    // Numbers, durations and dates.
    {"unit.h", "{n} h", "{n}小时"},
    {"unit.min", "{n} min", "{n}分钟"},
    {"unit.s", "{n} s", "{n}秒"},
    {"unit.sep", " ", ""},
    {"percent", "{n} %", "{n}%"},
    {"of", "{n} / {of}", "{n} / {of}"},
    {"date", "{d} {month} {y}", "{y}年{month}{d}日"},
    {"date_time", "{date}, {time} UTC", "{date} {time}（UTC）"},
    {"month.1", "January", "1月"},
    {"month.2", "February", "2月"},
    {"month.3", "March", "3月"},
    {"month.4", "April", "4月"},
    {"month.5", "May", "5月"},
    {"month.6", "June", "6月"},
    {"month.7", "July", "7月"},
    {"month.8", "August", "8月"},
    {"month.9", "September", "9月"},
    {"month.10", "October", "10月"},
    {"month.11", "November", "11月"},
    {"month.12", "December", "12月"},
    {"page", "Page {n} of {of}", "第{n}页，共{of}页"},
    {"label_value", "{label}: {value}", "{label}：{value}"},
    {"public_key", "Public key (Ed25519)", "公钥（Ed25519）"},
};

}  // namespace

const std::vector<LabelEntry>& label_catalog() {
  return kCatalog;
}

std::optional<std::string_view> find_label(Lang lang, std::string_view key) {
  auto it = std::find_if(kCatalog.begin(), kCatalog.end(),
                         [&](const LabelEntry& e) { return e.key == key; });
  if (it == kCatalog.end()) return std::nullopt;
  return lang == Lang::en ? it->en : it->zh_cn;
}

std::string_view label(Lang lang, std::string_view key) {
  auto text = find_label(lang, key);
  if (!text) {
    throw Error(ErrorCategory::internal, "label_unknown",
                "the report renderer has no label '" + std::string(key) + "'");
  }
  return *text;
}

std::string fill(std::string_view text,
                 const std::vector<std::pair<std::string_view, std::string>>& values) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      std::size_t close = text.find('}', i);
      if (close != std::string_view::npos) {
        std::string_view name = text.substr(i + 1, close - i - 1);
        auto it = std::find_if(values.begin(), values.end(),
                               [&](const auto& v) { return v.first == name; });
        if (it != values.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace hotline::render
