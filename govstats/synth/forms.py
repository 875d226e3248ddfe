"""The printed forms row by row (templates.md §1) as data.

Labels are exactly as printed in real reports, in simplified script with the ASCII punctuation of
NFKC-normalised text (``(一)``, ``:``); renderers convert script and punctuation. Each value cell
names the indicator code (``govstats/codebook/indicators.csv``) it holds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import APPLICANTS

#: column headers of table 三, in the order of ``model.APPLICANTS``, then 总计
APPLICANT_HEADERS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
LEGAL_ENTITIES_HEADER = "法人或其他组织"
BALANCE_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
TOTAL = "总计"


# --------------------------------------------------------------------------- Section 二
@dataclass(frozen=True)
class SmallTable:
    """One 第二十条 table: caption row, header row (信息内容 + columns), one row per item."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (row label, indicator code per column)


_ITEMS_2019 = ("上一年项目数量", "本年增/减", "处理决定数量")


def _items(prefix: str) -> tuple[str, str, str]:
    return (f"{prefix}.items_prev", f"{prefix}.items_change", f"{prefix}.decisions")


SEC2_2019: tuple[SmallTable, ...] = (
    SmallTable("第二十条第(一)项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"), (
        ("规章", ("rules.regulations.made", "rules.regulations.published", "rules.regulations.valid")),
        ("规范性文件", ("rules.normative_docs.made", "rules.normative_docs.published", "rules.normative_docs.valid")),
    )),
    SmallTable("第二十条第(五)项", _ITEMS_2019, (
        ("行政许可", _items("licensing")),
        ("其他对外管理服务事项", _items("other_services")),
    )),
    SmallTable("第二十条第(六)项", _ITEMS_2019, (
        ("行政处罚", _items("penalties")),
        ("行政强制", _items("coercion")),
    )),
    SmallTable("第二十条第(八)项", _ITEMS_2019[:2], (("行政事业性收费", ("fees.items_prev", "fees.items_change")),)),
    SmallTable("第二十条第(九)项", ("采购项目数量", "采购总金额"), (("政府集中采购", ("procurement.items", "procurement.amount")),)),
)

SEC2_2021: tuple[SmallTable, ...] = (
    SmallTable("第二十条第(一)项", ("本年制发件数", "本年废止件数", "现行有效件数"), (
        ("规章", ("rules.regulations.made", "rules.regulations.repealed", "rules.regulations.valid")),
        ("行政规范性文件", ("rules.normative_docs.made", "rules.normative_docs.repealed", "rules.normative_docs.valid")),
    )),
    SmallTable("第二十条第(五)项", ("本年处理决定数量",), (("行政许可", ("licensing.decisions",)),)),
    SmallTable("第二十条第(六)项", ("本年处理决定数量",), (
        ("行政处罚", ("penalties.decisions",)),
        ("行政强制", ("coercion.decisions",)),
    )),
    SmallTable("第二十条第(八)项", ("本年收费金额(单位:万元)",), (("行政事业性收费", ("fees.amount",)),)),
)

#: the signed 本年增/减 cells of the 2019 tables
SIGNED = frozenset(c for c in (
    "licensing.items_change", "other_services.items_change", "penalties.items_change",
    "coercion.items_change", "fees.items_change"))


# --------------------------------------------------------------------------- Section 三
#: an outcome group: (group label printed in a rowspan cell, or None) + its data rows (code, label)
OutcomeGroup = tuple[Optional[str], tuple[tuple[str, str], ...]]

REQUESTS_NEW = ("requests.new", "一、本年新收政府信息公开申请数量")
REQUESTS_CARRIED_OVER = ("requests.carried_over", "二、上年结转政府信息公开申请数量")
RESULTS_LABEL = "三、本年度办理结果"
REQUESTS_CARRIED_FORWARD = ("requests.carried_forward", "四、结转下年度继续办理")

_OUTCOMES_HEAD: tuple[OutcomeGroup, ...] = (
    (None, (("outcome.granted", "(一)予以公开"),)),
    (None, (("outcome.partial", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),)),
    ("(三)不予公开", (
        ("outcome.denied.state_secret", "1.属于国家秘密"),
        ("outcome.denied.law_prohibited", "2.其他法律行政法规禁止公开"),
        ("outcome.denied.security_stability", "3.危及“三安全一稳定”"),
        ("outcome.denied.third_party", "4.保护第三方合法权益"),
        ("outcome.denied.internal_affairs", "5.属于三类内部事务信息"),
        ("outcome.denied.process_info", "6.属于四类过程性信息"),
        ("outcome.denied.enforcement_file", "7.属于行政执法案卷"),
        ("outcome.denied.admin_query", "8.属于行政查询事项"),
    )),
    ("(四)无法提供", (
        ("outcome.unable.not_held", "1.本机关不掌握相关政府信息"),
        ("outcome.unable.need_create", "2.没有现成信息需要另行制作"),
        ("outcome.unable.unclear", "3.补正后申请内容仍不明确"),
    )),
    ("(五)不予处理", (
        ("outcome.not_processed.petition", "1.信访举报投诉类申请"),
        ("outcome.not_processed.duplicate", "2.重复申请"),
        ("outcome.not_processed.publication", "3.要求提供公开出版物"),
        ("outcome.not_processed.excessive", "4.无正当理由大量反复申请"),
        ("outcome.not_processed.reconfirm", "5.要求行政机关确认或重新出具已获取信息"),
    )),
)
_OTHER_SINGLE: OutcomeGroup = (None, (("outcome.other", "(六)其他处理"),))
_OTHER_GROUP: OutcomeGroup = ("(六)其他处理", (
    ("outcome.other.no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("outcome.other.no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("outcome.other.other", "3.其他"),
))
_OUTCOME_TOTAL: OutcomeGroup = (None, (("outcome.total", "(七)总计"),))


def outcome_groups(edition: str, collapsed_other: bool = False) -> tuple[OutcomeGroup, ...]:
    """Rows of 三、本年度办理结果: 2019 has a single (六) row, 2021 a (六) group of three
    (``collapsed_other``: a 2021 report printing the single 2019-style row, as real PDFs do)."""
    other = _OTHER_SINGLE if edition == "gov2019" or collapsed_other else _OTHER_GROUP
    return _OUTCOMES_HEAD + (other, _OUTCOME_TOTAL)


def outcome_leaves(edition: str, collapsed_other: bool = False) -> tuple[str, ...]:
    """Codes of the outcome data rows that sum to (七)总计."""
    return tuple(code for _, rows in outcome_groups(edition, collapsed_other)[:-1] for code, _ in rows)


def sec3_codes(edition: str, collapsed_other: bool = False) -> tuple[str, ...]:
    """Codes of every data row of table 三, top to bottom."""
    outcomes = tuple(code for _, rows in outcome_groups(edition, collapsed_other) for code, _ in rows)
    return (REQUESTS_NEW[0], REQUESTS_CARRIED_OVER[0]) + outcomes + (REQUESTS_CARRIED_FORWARD[0],)


def applicant_key(code: str, applicant: str) -> str:
    """Truth key of one cell: ``code`` for the 总计 column, else ``code@applicant``."""
    return code if applicant == "total" else f"{code}@{applicant}"


COLUMNS = APPLICANTS + ("total",)


# --------------------------------------------------------------------------- Section 四
SEC4_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
SEC4_BLOCKS = ("review", "litigation.direct", "litigation.after_review")
SEC4_PARTS = ("upheld", "corrected", "other", "pending", "total")
SEC4_CODES = tuple(f"{b}.{p}" for b in SEC4_BLOCKS for p in SEC4_PARTS)


# --------------------------------------------------------------------------- legacy 统计表
#: (code, label, unit). code None: a heading row (no value); code "-": a row printed "-" that has
#: no indicator (Guizhou's 政务公开监督员 rows). A "\n" in a label is an optional line break.
LegacyRow = tuple[Optional[str], str, str]

LEGACY_NATIONAL: tuple[LegacyRow, ...] = (
    (None, "一、主动公开情况", ""),
    ("proactive.total", "(一)主动公开政府信息数\n(不同渠道和方式公开相同信息计1条)", "条"),
    ("proactive.normative_docs", "其中:主动公开规范性文件数", "条"),
    ("rules.normative_docs.made", "制发规范性文件总数", "件"),
    (None, "(二)通过不同渠道和方式公开政府信息的情况", ""),
    ("channel.gazette", "1.政府公报公开政府信息数", "条"),
    ("channel.website", "2.政府网站公开政府信息数", "条"),
    ("channel.weibo", "3.政务微博公开政府信息数", "条"),
    ("channel.wechat", "4.政务微信公开政府信息数", "条"),
    ("channel.other", "5.其他方式公开政府信息数", "条"),
    (None, "二、回应解读情况", ""),
    ("response.hotspots", "(一)回应公众关注热点或重大舆情数\n(不同方式回应同一热点或舆情计1次)", "次"),
    (None, "(二)通过不同渠道和方式回应解读的情况", ""),
    ("response.press_conferences", "1.参加或举办新闻发布会总次数", "次"),
    ("response.press_conferences_head", "其中:主要负责同志参加新闻发布会次数", "次"),
    ("response.online_interviews", "2.政府网站在线访谈次数", "次"),
    ("response.online_interviews_head", "其中:主要负责同志参加政府网站在线访谈次数", "次"),
    ("response.interpretation_articles", "3.政策解读稿件发布数", "篇"),
    ("response.weibo_wechat", "4.微博微信回应事件数", "次"),
    ("response.other", "5.其他方式回应事件数", "次"),
    (None, "三、依申请公开情况", ""),
    ("requests.new", "(一)收到申请数", "件"),
    ("requests.by_channel.in_person", "1.当面申请数", "件"),
    ("requests.by_channel.fax", "2.传真申请数", "件"),
    ("requests.by_channel.online", "3.网络申请数", "件"),
    ("requests.by_channel.letter", "4.信函申请数", "件"),
    ("requests.completed", "(二)申请办结数", "件"),
    ("requests.completed.on_time", "1.按时办结数", "件"),
    ("requests.completed.extended", "2.延期办结数", "件"),
    ("outcome.total", "(三)申请答复数", "件"),
    ("outcome.already_public", "1.属于已主动公开范围数", "件"),
    ("outcome.granted", "2.同意公开答复数", "件"),
    ("outcome.partial", "3.同意部分公开答复数", "件"),
    ("outcome.denied", "4.不同意公开答复数", "件"),
    ("outcome.denied.state_secret", "其中:涉及国家秘密", "件"),
    ("outcome.denied.commercial_secret", "涉及商业秘密", "件"),
    ("outcome.denied.privacy", "涉及个人隐私", "件"),
    ("outcome.denied.security_stability", "危及国家安全、公共安全、经济安全和社会稳定", "件"),
    ("outcome.denied.not_gov_info", "不是《条例》所指政府信息", "件"),
    ("outcome.denied.other_law", "法律法规规定的其他情形", "件"),
    ("outcome.not_this_agency", "5.不属于本行政机关公开数", "件"),
    ("outcome.not_exist", "6.申请信息不存在数", "件"),
    ("outcome.correction_requested", "7.告知作出更改补充数", "件"),
    ("outcome.other_route", "8.告知通过其他途径办理数", "件"),
    ("review.total", "四、行政复议数量", "件"),
    ("review.upheld", "(一)维持具体行政行为数", "件"),
    ("review.corrected", "(二)被依法纠错数", "件"),
    ("review.other", "(三)其他情形数", "件"),
    ("litigation.total", "五、行政诉讼数量", "件"),
    ("litigation.upheld", "(一)维持具体行政行为或者驳回原告诉讼请求数", "件"),
    ("litigation.corrected", "(二)被依法纠错数", "件"),
    ("litigation.other", "(三)其他情形数", "件"),
    ("complaints.total", "六、举报投诉数量", "件"),
    ("fees.collected", "七、依申请公开信息收取的费用", "万元"),
    (None, "八、机构建设和保障经费情况", ""),
    ("org.offices", "(一)政府信息公开工作专门机构数", "个"),
    ("org.reading_points", "(二)设置政府信息公开查阅点数", "个"),
    ("staff.total", "(三)从事政府信息公开工作人员数", "人"),
    ("staff.fulltime", "1.专职人员数(不包括政府公报及政府网站工作人员数)", "人"),
    ("staff.parttime", "2.兼职人员数", "人"),
    ("budget.special", "(四)政府信息公开专项经费(不包括用于政府公报编辑管理及\n政府网站建设维护等方面的经费)", "万元"),
    (None, "九、政府信息公开会议和培训情况", ""),
    ("training.meetings", "(一)召开政府信息公开工作会议或专题会议数", "次"),
    ("training.courses", "(二)举办各类培训班数", "次"),
    ("training.trainees", "(三)接受培训人员数", "人次"),
)

#: Guizhou's provincial variant (S000:89-187): extra rows, no 依申请/复议/诉讼 blocks, and a unit
#: only where it is 万元 or 人次
LEGACY_GUIZHOU: tuple[LegacyRow, ...] = (
    (None, "一、信息发布情况", ""),
    ("proactive.total", "(一)主动公开政府信息数\n(不同渠道和方式公开相同信息计1条)", ""),
    (None, "(二)通过不同渠道和方式公开政府信息的情况", ""),
    ("channel.gazette", "1.政府公报公开政府信息数", ""),
    ("channel.website", "2.政府网站公开政府信息数", ""),
    ("channel.weibo", "3.政务微博公开政府信息数", ""),
    ("channel.wechat", "4.政务微信公开政府信息数", ""),
    ("channel.app", "5.政务客户端公开政府信息数", ""),
    ("channel.other", "6.其他方式公开政府信息数", ""),
    (None, "(三)建议提案办理结果公开情况", ""),
    ("proposals.npc", "1.人大代表建议", ""),
    ("proposals.cppcc", "2.政协提案", ""),
    (None, "(四)政府信息动态管理情况", ""),
    ("dynamic.request_to_proactive", "1.依申请公开信息转主动公开信息数", ""),
    ("dynamic.declassified", "2.解密公开信息数", ""),
    (None, "(五)重大决策预公开情况", ""),
    ("consultation.count", "1.重大决策征集公众意见次数", ""),
    ("consultation.feedback", "2.公众反馈意见次数", ""),
    ("consultation.opinions", "3.征集到意见数", ""),
    ("consultation.rejected", "4.不予采纳意见数", ""),
    (None, "二、回应解读情况", ""),
    ("response.hotspots", "(一)回应公众关注热点或重大舆情数\n(不同方式回应同一热点或舆情计1次)", ""),
    (None, "(二)通过不同渠道和方式回应解读的情况", ""),
    ("response.press_conferences", "1.参加或举办新闻发布会总次数", ""),
    ("response.press_conferences_head", "其中:主要负责同志参加新闻发布会次数", ""),
    ("response.online_interviews", "2.政府网站在线访谈次数", ""),
    ("response.online_interviews_head", "其中:主要负责同志参加政府网站在线访谈次数", ""),
    ("response.head_interpretations", "3.主要负责同志解读政策数", ""),
    ("response.interpretation_articles", "4.政策解读稿件发布数", ""),
    ("response.weibo_wechat", "5.微博微信回应事件数", ""),
    ("response.other", "6.其他方式回应事件数", ""),
    (None, "(三)会议开放情况", ""),
    ("meetings_open.count", "1.面向公众开放会议次数", ""),
    ("meetings_open.public_reps", "2.参会公众代表人数", ""),
    ("complaints.total", "三、举报投诉数量", ""),
    (None, "四、机构建设和保障经费情况", ""),
    ("org.offices", "(一)政府信息公开工作专门机构数", ""),
    ("org.reading_points", "(二)设置政府信息公开查阅点数", ""),
    ("staff.total", "(三)从事政府信息公开工作人员数", ""),
    ("staff.fulltime", "1.专职人员数(不包括政府公报及政府网站工作人员数)", ""),
    ("staff.parttime", "2.兼职人数", ""),
    (None, "(四)政务公开监督员情况(各市州、贵安新区填报)", ""),
    ("-", "1.本地区政务公开监督员人数", ""),
    ("-", "2.开展政务公开监督次数", ""),
    ("-", "3.提出意见数", ""),
    ("-", "4.采纳意见数", ""),
    ("budget.special", "(五)政府信息公开专项经费(不包括用于政府公报编辑管理及政府网站建设维护等方面的经费)", "万元"),
    (None, "五、政府信息公开会议和培训情况", ""),
    ("training.meetings", "(一)召开政府信息公开工作会议或专题会议数", ""),
    ("training.courses", "(二)举办各类培训班数", ""),
    ("training.trainees", "(三)接受培训人员数", "人次"),
)

LEGACY_HEADER = ("统 计 指 标", "单位", "统计数")


def legacy_rows(guizhou: bool) -> tuple[LegacyRow, ...]:
    return LEGACY_GUIZHOU if guizhou else LEGACY_NATIONAL


def legacy_codes(guizhou: bool) -> tuple[str, ...]:
    return tuple(code for code, _, _ in legacy_rows(guizhou) if code not in (None, "-"))
