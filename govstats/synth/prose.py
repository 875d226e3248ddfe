"""Sentences of the generated reports: the phrasings of templates.md §4 for numbers, and
number-free filler in the style of the seed reports.

Templates are simplified Chinese with ASCII punctuation; ``{n}`` / ``{p}`` / ``{year}`` / ``{we}``
are filled after script conversion (digits survive conversion untouched). Each statement kind has
an intro, one fragment per key (several wordings, picked by ``Statement.variant``) and an end.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional

Tr = Callable[[str], str]


@dataclass(frozen=True)
class Statement:
    """Numbers stated in one sentence of prose."""

    kind: str  # a key of KINDS
    keys: tuple[str, ...]  # truth keys, in the order stated
    variant: int = 0  # which wording
    shares: tuple[str, ...] = ()  # printed percentage per key ("" = none), of ``share_of``
    share_of: Optional[str] = None
    approx: tuple[str, ...] = ()  # keys stated approximately ("1700余条"): value is the rounded figure

    def to_json(self) -> dict:
        return {"kind": self.kind, "keys": list(self.keys), "variant": self.variant,
                "shares": list(self.shares), "share_of": self.share_of, "approx": list(self.approx)}


@dataclass(frozen=True)
class Kind:
    intro: tuple[str, ...]  # sentence start; may use {n} = the first key's value (``lead``)
    fragments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # key -> wordings of "{n}"
    end: str = "。"
    sep: str = ","
    lead: bool = False  # the first key is stated by the intro, not by a fragment


_SHARE = (",占{p}%", ",占比{p}%", ",占总数的{p}%")
APPROX = ("近{}", "{}余", "{}多")

KINDS: dict[str, Kind] = {
    "proactive.total": Kind(("{year}年,{we}共主动公开政府信息{n}条", "全年主动公开政府信息{n}条",
                             "{year}年,{we}通过各类渠道主动公开各类政府信息{n}条"), lead=True),
    "proactive.channels": Kind(("通过不同渠道和方式发布政府信息情况:", "其中,", "全年"), {
        "channel.website": ("通过政府网站公开政府信息{n}条", "门户网站共公开各类信息{n}条", "在政府网站共计发布各类政府信息{n}条"),
        "channel.wechat": ("政务微信发布信息{n}条", "微信公众号发布信息{n}条"),
        "channel.weibo": ("微博发博{n}条", "政务微博发布信息{n}条"),
        "channel.toutiao": ("今日头条发稿{n}条", "头条号发布信息{n}条"),
        "channel.douyin": ("抖音号发布信息{n}条", "政务抖音发布短视频{n}条"),
        "channel.app": ("政务客户端发布信息{n}条",),
        "channel.news_media": ("新闻媒体发布信息{n}条", "在各类报刊发稿{n}条", "通过各类新闻媒体发布信息{n}条"),
        "channel.gazette": ("政府公报公开政府信息{n}条",),
    }),
    "responses": Kind(("回应公众关注热点或重大舆情{n}次(不同方式回应同一热点或舆情计1次)。通过不同渠道和方式回应解读情况:",
                       "全年回应公众关注热点或重大舆情{n}次,"), {
        "response.press_conferences": ("举办新闻发布会{n}次", "参加或举办新闻发布会{n}次"),
        "response.online_interviews": ("组织政府网站在线访谈{n}次", "开展在线访谈{n}次"),
        "response.interpretation_articles": ("发布政策解读稿{n}篇", "发布政策解读稿件{n}篇"),
        "response.weibo_wechat": ("通过微博微信回应事件{n}次",),
    }, lead=True),
    "rules.normative_docs": Kind(("{year}年,{we}出台规范性文件{n}件,全部在网上进行了主动公开和政策解读",
                                  "全年制发规范性文件{n}件"), lead=True),
    "requests.received": Kind(("{year}年,{we}共收到政府信息公开申请{n}件", "全年共受理政府信息公开申请{n}件,均在法定期限内答复",
                               "{year}年共收到政府信息依申请公开{n}件", "本年度新收政府信息公开申请{n}件"), lead=True),
    "requests.received_co": Kind(("{year}年全年依法受理政府信息公开申请{n}件,", "全年共收到政府信息公开申请{n}件,"), {
        "requests.carried_over": ("上年结转政府信息公开申请{n}件", "另有上年结转申请{n}件"),
    }, lead=True),
    "requests.none": Kind(("{year}年全年,{we}未收到政府信息公开申请", "{year}年,{we}未收到任何依申请公开信息"), lead=True),
    "requests.channels": Kind(("其中,", "按申请方式区分,"), {
        "requests.by_channel.online": ("网上申请{n}件", "通过网络申请{n}件"),
        "requests.by_channel.letter": ("信函申请{n}件", "通过信函申请{n}件"),
        "requests.by_channel.in_person": ("当面申请{n}件", "通过当面申请{n}件"),
        "requests.by_channel.fax": ("传真申请{n}件", "通过传真申请{n}件"),
    }, sep=";"),
    "requests.applicants": Kind(("从申请对象来看,",), {
        "requests.new@natural_person": ("以公民申请的{n}件", "自然人申请{n}件"),
        "requests.new@legal_entities": ("以法人申请的{n}件", "法人或其他组织申请{n}件"),
    }, sep=";"),
    "requests.carried_forward": Kind(("另有{n}件申请结转下年度继续办理", "结转下年度继续办理{n}件"), lead=True),
    "outcomes": Kind(("全年答复政府信息公开申请共{n}件。其中,", "共完成政府信息依申请公开答复{n}件。其中,"), {
        "outcome.granted": ("予以公开{n}件", "予以公开答复{n}件"),
        "outcome.partial": ("部分公开{n}件", "部分公开{n}件"),
        "outcome.denied": ("不予公开{n}件", "不同意公开{n}件"),
        "outcome.unable": ("无法提供{n}件", "因本机关不掌握等原因无法提供{n}件"),
        "outcome.unable.not_held": ("本机关不掌握相关政府信息{n}件", "本行政机关不掌握的信息{n}件"),
        "outcome.unable.need_create": ("没有现成信息需要另行制作{n}件", "没有现成信息需另行制作{n}件"),
        "outcome.unable.unclear": ("补正后申请内容仍不明确{n}件", "申请内容不明确{n}件"),
        "outcome.not_processed": ("不予处理{n}件", "不予处理的{n}件"),
        "outcome.other": ("其他处理{n}件", "其他答复情形{n}件"),
    }, sep=";", lead=True),
    "outcomes.legacy": Kind(("在已经答复的申请中,", "答复情况:"), {
        "outcome.granted": ("同意公开{n}件", "“同意公开”的{n}件"),
        "outcome.partial": ("同意部分公开{n}件", "“同意部分公开”{n}件"),
        "outcome.denied": ("不同意公开{n}件", "“不予公开”的{n}件"),
    }, sep=";"),
    "review.detail": Kind(("{year}年度,{we}信息公开类行政复议案件{n}件。其中,", "{year}年,{we}发生政府信息公开行政复议案件{n}件,其中"), {
        "review.upheld": ("维持具体行政行为的{n}件", "结果维持{n}件"),
        "review.corrected": ("被依法纠错的{n}件", "结果纠正{n}件"),
        "review.other": ("其他情形{n}件", "其他结果{n}件"),
        "review.pending": ("尚未审结{n}件", "尚未结案{n}件"),
    }, lead=True),
    "litigation.count": Kind(("信息公开类行政诉讼案件{n}件", "发生政府信息公开行政诉讼{n}件"), lead=True),
    "litigation.none": Kind(("未有信息公开类行政诉讼案件", "未发生政府信息公开行政诉讼案件"), lead=True),
    "review.none": Kind(("{year}年,{we}未发生政府信息公开行政复议、行政诉讼案件",
                         "{year}年,{we}没有发生政府信息公开事务的行政复议、诉讼案件"), lead=True),
    "fees.none": Kind(("{year}年,{we}未向信息公开申请人收取检索、复制、邮寄等费用",
                       "全年收取政府信息公开信息处理费{n}元"), lead=True),
}
#: kinds whose lead number is not printed (stated in words: 未收到 / 未发生 / 未收取)
IMPLICIT_ZERO = frozenset({"requests.none", "litigation.none", "review.none"})


def fmt_num(v: float | int) -> str:
    """A number as reports print it: integers plain, amounts with up to two decimals."""
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return str(v)


def fmt_share(p: float) -> str:
    return f"{p:.2f}".rstrip("0").rstrip(".")


def render_statement(st: Statement, values: Mapping[str, float], tr: Tr, year: int, we: str) -> str:
    """The sentence for ``st`` with the numbers of ``values`` (truth, or the approximate figure)."""
    kind = KINDS[st.kind]
    keys = st.keys
    shares = st.shares or ("",) * len(keys)

    def number(i: int) -> str:
        n = fmt_num(values[keys[i]])
        return APPROX[st.variant % len(APPROX)].format(n) if keys[i] in st.approx else n

    def share(i: int) -> str:
        return tr(_SHARE[st.variant % len(_SHARE)]).format(p=shares[i]) if shares[i] else ""

    intro = tr(kind.intro[st.variant % len(kind.intro)])
    implicit = st.kind in IMPLICIT_ZERO
    start = len(keys) if implicit else 1 if kind.lead else 0
    lead = number(0) + share(0) if kind.lead and not implicit else ""
    parts = []
    for i in range(start, len(keys)):
        words = kind.fragments[keys[i]]
        parts.append(tr(words[st.variant % len(words)]).format(n=number(i)) + share(i))
    body = intro.format(n=lead, year=year, we=we) + tr(kind.sep).join(parts)
    return body + tr(kind.end)


# --------------------------------------------------------------------------- headings and filler
HEADINGS = {
    "modern": ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
               "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"),
    "legacy": ("一、概述", "二、主动公开政府信息情况", "三、依申请公开政府信息和不予公开政府信息情况",
               "四、政府信息公开的收费及减免情况", "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
               "六、政府信息公开工作存在的主要问题及改进情况", "七、其他需要报告的事项"),
}
SUBHEADINGS = ("(一)主动公开。", "(二)依申请公开。", "(三)政府信息管理。", "(四)平台建设。", "(五)监督保障。")

INTRO = ("本报告根据《中华人民共和国政府信息公开条例》(以下简称《条例》)要求编制。报告中所列数据统计期限自{year}年1月1日起至"
         "{year}年12月31日止。如对本报告有疑问,请与{agency}办公室联系。",
         "根据《中华人民共和国政府信息公开条例》(以下简称《条例》)的规定,现将{agency}{year}年政府信息公开工作情况报告如下:",
         "本年报根据《中华人民共和国政府信息公开条例》和上级有关要求编制,报告内容主要包括概述、主动公开政府信息情况、"
         "依申请公开政府信息情况、存在的主要问题及改进情况等。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")
#: first sentence of 总体情况 when the report has no title: the agency is named here
OPENING = ("{year}年,{agency}坚持以《政府信息公开条例》为指引,紧紧围绕上级政务公开工作的一系列文件要求,扎实推进政府信息公开工作,"
           "信息公开质效进一步提升。",
           "{year}年,{agency}认真贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署,严格执行《条例》相关规定,"
           "不断完善政府信息公开制度机制。")

FILLER = {
    "overview": (
        "加强组织领导,成立了由主要负责同志任组长的政务公开工作领导小组,明确了责任分工,形成了一级抓一级、层层抓落实的工作格局。",
        "严格执行信息发布保密审查制度,落实“先审后发”和“三审三校”要求,从严把好政治关、法律关、政策关、保密关、文字关。",
        "持续加大重点领域信息公开力度,及时公开财政预决算、权责清单、行政许可、行政处罚等信息,保障人民群众的知情权、参与权和监督权。",
        "将政务公开工作纳入年度绩效考核,定期开展督查通报,对工作不力的单位进行督促整改。",
        "组织开展《条例》专题培训,进一步提高工作人员的政策把握能力和业务水平。",
    ),
    "requests": (
        "进一步规范依申请公开办理流程,完善受理、审查、处理、答复以及保存备查等各个环节的工作要求,确保依申请公开规范办理。",
        "严格按照《条例》规定的时限和程序办理申请,对申请内容不明确的及时告知申请人作出补正。",
    ),
    "management": (
        "健全完善政府信息制作、获取、保存、处理等方面的工作规范,集中公开文件修改废止情况,增强信息公开的权威性和精准度。",
        "动态更新政府信息公开指南和公开目录,做好政府信息公开属性源头认定工作。",
    ),
    "platform": (
        "加强政府网站和政务新媒体日常管理,运用第三方检测平台实行常态化监测,及时关停整合更新不及时的新媒体账号。",
        "优化政府信息公开专栏设置,更加方便公众查询和下载相关信息。",
    ),
    "oversight": (
        "建立健全政务公开考核评议和责任追究制度,主动接受社会公众监督。",
        "完善政务公开工作机制,压实信息发布和保密审查责任。",
    ),
    "problems": (
        "对照上级要求,我们的工作仍存在一定差距:一是政策解读形式还不够丰富;二是信息公开的深度和广度有待进一步拓展;三是工作人员业务能力有待提升。",
        "下一步,将进一步完善政务公开制度,加强业务培训和队伍建设,不断提升政府信息公开工作规范化、标准化水平。",
        "针对存在的问题,将重点做好以下工作:一是深化重点领域信息公开;二是加强政策解读和回应关切;三是强化平台建设和监督保障。",
    ),
    "other": ("无其他需要报告的事项。", "(无)", "本年度无其他需要报告的事项。"),
    "fees": ("严格执行政府信息公开收费有关规定。",),
    "review": ("依法做好政府信息公开行政复议、行政诉讼应诉工作。",),
}
