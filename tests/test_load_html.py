"""load_html: encodings, chrome removal, document order, rowspan/colspan grids, layout tables."""
from __future__ import annotations

import pytest

from govstats.errors import EmptyInput
from govstats.load import load_bytes
from govstats.load.html import declared_charset
from govstats.normalize import normalize

BODY = "<p>本报告由某区人民政府办公室编制。</p><p>本年新收政府信息公开申请数量21件。</p>"


def _page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}<title>某区2023年政府信息公开工作年度报告</title></head><body>{body}</body></html>"


def _texts(raw) -> str:
    return "\n".join(b.text for b in raw.blocks if b.kind == "text")


def _tables(raw):
    return [b for b in raw.blocks if b.kind == "table"]


# --------------------------------------------------------------------------- encodings
def test_gbk_page_without_declaration() -> None:
    raw = load_bytes(_page(BODY).encode("gbk"), "nodecl.html")
    assert raw.kind == "html" and raw.encoding == "gb18030"
    assert "本年新收政府信息公开申请数量21件。" in _texts(raw)
    assert raw.title == "某区2023年政府信息公开工作年度报告"


@pytest.mark.parametrize(
    "head",
    ['<meta charset="gb2312">', "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GB2312\">"],
    ids=["meta-charset", "http-equiv"],
)
def test_gbk_page_with_declaration(head: str) -> None:
    raw = load_bytes(_page(BODY, head).encode("gbk"), "decl.html")
    assert raw.encoding == "gb18030" and raw.warnings == []
    assert "本报告由某区人民政府办公室编制。" in _texts(raw)


def test_big5_page_with_declaration() -> None:
    page = "<html><head><meta charset=big5><title>年度報告</title></head><body><p>貴陽市2020年政府信息公開工作年度報告</p></body></html>"
    raw = load_bytes(page.encode("big5"), "big5.html")
    assert raw.encoding == "big5" and "政府信息公開工作年度報告" in _texts(raw)


def test_wrong_declaration_is_overruled_with_warning() -> None:
    raw = load_bytes(_page(BODY, '<meta charset="gb2312">').encode("utf-8"), "liar.html")
    assert raw.encoding == "utf-8" and "本年新收政府信息公开申请数量21件。" in _texts(raw)
    assert any("gb2312" in w for w in raw.warnings)


def test_xml_declaration() -> None:
    page = '<?xml version="1.0" encoding="gbk"?>\n' + _page(BODY)
    assert declared_charset(page.encode("gbk")) == "gbk"
    raw = load_bytes(page.encode("gbk"), "xhtml.html")
    assert raw.encoding == "gb18030" and "编制" in _texts(raw)


def test_declaration_is_found_in_any_case_and_kept_as_printed() -> None:
    head = b'<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; CharSet=GB2312"></HEAD>'
    assert declared_charset(head) == "GB2312"
    assert declared_charset(b"<meta name=x content=y><Meta Charset = 'Big5'>") == "Big5"
    assert declared_charset(b"<p>charset=gbk</p>") is None


def test_control_characters_are_dropped_before_parsing() -> None:
    body = "<p>本年新收\x0b政府信息公开申请\x01数量21件。</p><table><tr><td>规章\x1f</td><td>5</td></tr></table>"
    raw = load_bytes(_page(body).encode(), "ctrl.html")
    assert "本年新收政府信息公开申请数量21件。" in _texts(raw)
    assert _tables(raw)[0].rows == [["规章", "5"]]


# --------------------------------------------------------------------------- text
def test_block_elements_and_br_make_lines_and_whitespace_collapses() -> None:
    body = "<div>&nbsp;&nbsp;一、总体情况<br>（一）主动公开&nbsp;情况</div><p>第一段\n  续行</p><span>甲</span><span>乙</span>"
    raw = load_bytes(_page(body).encode(), "lines.html")
    assert _texts(raw).split("\n") == ["一、总体情况", "（一）主动公开 情况", "第一段 续行", "甲乙"]


def test_pre_keeps_lines() -> None:
    raw = load_bytes(_page("<pre>规章    0\n文件    5</pre>").encode(), "pre.html")
    assert _texts(raw).split("\n") == ["规章    0", "文件    5"]


def test_chrome_is_dropped_but_content_and_metadata_header_kept() -> None:
    body = (
        '<div class="topNav">首页 | 网站地图 | 联系我们</div>'
        '<nav>政府信息公开年度报告 | 政策文件</nav>'
        '<div id="breadcrumb">当前位置：首页 &gt; 信息公开</div>'
        '<div class="header"><span>索引号：014416330/2023-00012</span> <span>发布机构：某区政府办</span></div>'
        '<div class="share-bar">分享到：微信 微博</div>'
        '<script>document.write("脚本文字")</script><style>p{color:red}</style>'
        '<div id="content"><p>正文第一段。</p><span style="display: none">UedBet体育官网</span>'
        '<p hidden>隐藏文字</p><p>正文第二段。</p></div>'
        '<div class="footer">版权所有：某区人民政府</div><footer>技术支持</footer>'
    )
    text = _texts(load_bytes(_page(body).encode(), "chrome.html"))
    assert "正文第一段。" in text and "正文第二段。" in text
    assert "索引号：014416330/2023-00012" in text and "发布机构：某区政府办" in text
    for chrome in ("网站地图", "政策文件", "当前位置", "分享到", "脚本文字", "color", "UedBet", "隐藏文字", "版权所有", "技术支持"):
        assert chrome not in text


def test_form_around_the_whole_page_is_content() -> None:
    body = '<form id="form1" method="post"><div>' + BODY * 3 + "</div></form>"
    assert "21件" in _texts(load_bytes(_page(body).encode(), "aspnet.html"))


def test_title_falls_back_to_h1() -> None:
    raw = load_bytes("<html><body><h1>某局2022年政府信息公开工作年度报告</h1><p>x</p></body></html>".encode(), "h1.html")
    assert raw.title == "某局2022年政府信息公开工作年度报告"


@pytest.mark.parametrize("page", [b"<html><body></body></html>", b"<html><head><script>var a;</script></head></html>"])
def test_page_without_text_is_empty(page: bytes) -> None:
    with pytest.raises(EmptyInput):
        load_bytes(page, "empty.html")


# --------------------------------------------------------------------------- tables
SEC3 = """
<table border="1">
<tr><td colspan="3" rowspan="2"><p>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</p></td><td colspan="3">申请人情况</td></tr>
<tr><td>自然人</td><td>商业<br/>企业</td><td>总计</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td>821</td><td>&nbsp;</td><td>859</td></tr>
<tr><td rowspan="3">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>258</td><td>0</td><td>258</td></tr>
<tr><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td><td>14</td><td>-</td><td>14</td></tr>
<tr><td>2.其他法律行政法规禁止公开</td><td>0</td><td>0</td><td>0</td></tr>
</table>"""


def test_rowspan_colspan_grid_and_spans() -> None:
    raw = load_bytes(_page("<p>三、收到和处理政府信息公开申请情况</p>" + SEC3 + "<p>四、复议诉讼</p>").encode(), "t.html")
    assert [b.kind for b in raw.blocks] == ["text", "table", "text"]
    t = raw.blocks[1]
    assert t.rows == [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", None, None, "申请人情况", None, None],
        [None, None, None, "自然人", "商业\n企业", "总计"],
        ["一、本年新收政府信息公开申请数量", None, None, "821", "", "859"],
        ["三、本年度办理结果", "（一）予以公开", None, "258", "0", "258"],
        [None, "（三）不予公开", "1.属于国家秘密", "14", "-", "14"],
        [None, None, "2.其他法律行政法规禁止公开", "0", "0", "0"],
    ]
    assert t.spans == {
        (0, 1): (0, 0), (0, 2): (0, 0), (0, 4): (0, 3), (0, 5): (0, 3),
        (1, 0): (0, 0), (1, 1): (0, 0), (1, 2): (0, 0),
        (2, 1): (2, 0), (2, 2): (2, 0),
        (3, 2): (3, 1),
        (4, 0): (3, 0), (5, 0): (3, 0), (5, 1): (4, 1),
    }
    assert all(len(row) == 6 for row in t.rows)
    # table text is not repeated in the text blocks
    assert "予以公开" not in _texts(raw)


def test_normalized_table_rows() -> None:
    doc = normalize(load_bytes(_page(SEC3).encode(), "t.html"))
    assert "一、本年新收政府信息公开申请数量 | 821 |  | 859" in doc.text
    assert len(doc.grids) == 1 and doc.grids[0].rows[4][0].origin == (3, 0)


def test_short_rows_overlong_spans_and_bad_attributes() -> None:
    html = (
        "<table><tr><td>信息内容</td><td colspan='9'>本年处理决定数量</td></tr>"
        "<tr><td rowspan='x'>行政许可</td><td>5</td></tr>"
        "<tr><td>行政处罚</td></tr></table>"
    )
    t = _tables(load_bytes(_page(html).encode(), "t.html"))[0]
    assert t.rows == [["信息内容", "本年处理决定数量"], ["行政许可", "5"], ["行政处罚", ""]]


def test_layout_table_is_text_and_inner_data_table_is_a_block() -> None:
    prose = "2023年，本机关坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实政府信息公开条例，" * 4
    html = (
        '<table width="100%"><tr><td class="left"><a href="#">首页</a><br><a href="#">通知公告</a></td>'
        f'<td><p>一、总体情况</p><p>{prose}</p>'
        '<table border="1"><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>3</td></tr></table>'
        "<p>二、结束语</p></td></tr></table>"
    )
    raw = load_bytes(_page(html).encode(), "layout.html")
    tables = _tables(raw)
    assert [t.rows for t in tables] == [[["信息内容", "本年制发件数"], ["规章", "3"]]]
    kinds = [b.kind for b in raw.blocks]
    assert kinds == ["text", "table", "text"]
    assert "一、总体情况" in raw.blocks[0].text and prose in raw.blocks[0].text
    assert raw.blocks[2].text == "二、结束语"


@pytest.mark.parametrize(
    "html",
    [
        "<table><tr><td>一、总体情况</td></tr><tr><td>本年新收申请21件。</td></tr></table>",  # one column
        "<table><tr><td>第一部分</td><td>" + "本机关不断完善政府信息公开制度。" * 12 + "</td></tr></table>",  # prose
    ],
    ids=["one-column", "prose-cell"],
)
def test_layout_tables_become_text(html: str) -> None:
    raw = load_bytes(_page(html).encode(), "layout.html")
    assert _tables(raw) == []
    assert "本" in _texts(raw)
