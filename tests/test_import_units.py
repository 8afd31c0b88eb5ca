"""The importer's pieces: cells, runs of digits, noise, label and heading variants."""

from __future__ import annotations

import re
from pathlib import Path

from reportkit.checks import check_report
from reportkit.importer import import_text
from reportkit.importer.cells import fit_row, row_sum, run_splits
from reportkit.importer.html import html_to_text
from reportkit.importer.lines import Field, clean_lines, read_field, split_line
from reportkit.model import Proactive

HERE = Path(__file__).resolve()
SEED = (HERE.parents[2] / "shared" / "seeds" / "000_083e95083e692b05.txt").read_text("utf-8")
HUAIAN = HERE.parents[2] / "shared" / "fixtures" / "reports" / "04_huaian_city_gov_2024.txt"


def _seed(*pairs: tuple[str, str]) -> str:
    text = SEED
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_a_cell_with_a_note_is_the_number_and_keeps_the_note() -> None:
    f = read_field("22（其中修订16件）")
    assert (f.kind, f.value, f.note) == ("number", 22, "其中修订16件")
    result = import_text(_seed(("规章\t0\t0\t0", "规章\t22（其中修订16件）\t0\t22")), "x")
    pro = result.report.proactive
    assert isinstance(pro, Proactive)
    assert (pro.rules.issued, pro.rules.in_force) == (22, 22)
    assert result.uncertain == []
    assert any("其中修订16件" in note for note in result.notes)


def test_blank_and_slash_cells_stay_blank_and_r8_reports_them() -> None:
    assert read_field("").kind == "blank" and read_field("/").value == "/"
    text = _seed(
        ("行政处罚\t3", "行政处罚\t/"),
        ("二、上年结转政府信息公开申请数量\t\t0\t0", "二、上年结转政府信息公开申请数量\t\t\t0"),
    )
    report = import_text(text, "x").report
    assert isinstance(report.proactive, Proactive)
    assert report.proactive.penalty == "/"
    assert report.requests.carried_over[0] is None
    r8 = {c for f in check_report(report, rules=["R8"]) for c in f.cells}
    assert {"proactive.penalty", "requests.carried_over.natural_person"} <= r8


def test_label_variants_footers_and_split_words() -> None:
    text = _seed(
        ("行政规范性文件\t0\t0\t0", "规范性文件\t0\t0\t0"),
        ("1. 属于国家秘密", "1、属于国家秘密"),
        ("2. 其他法律行政法规禁止公开\t0", "2.其他法律行政法规\n— 3 —\n禁止公开\t0"),
        ("社会公益组织", "社会公益 组织"),
        ("三、本年度办理结果", "三、本年度办 理结果"),
        ("(一) 予以公开", "（一）予以公开"),
        ("4. 保护第三方合法权益", "-4-\n4. 保护第三方合法权益"),
    )
    result = import_text(text, "x")
    assert result.uncertain == []
    assert result.report.requests.withheld_1 == [0] * 7
    assert result.report.requests.withheld_2 == [0] * 7


def test_heading_variants() -> None:
    text = _seed(
        ("五、存在的主要问题及改进情况", "五、存在的主要问题及整改措施"),
        (
            "四、政府信息公开行政复议、行政诉讼情况",
            "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        ),
    )
    report = import_text(text, "x").report
    assert [s.heading for s in report.problems.subsections] == [
        "(一) 存在的主要问题",
        "(二) 改进情况",
    ]
    assert report.review_litigation.review == [0] * 5
    assert not any("not found" in n for n in import_text(text, "x").notes)


def _glued(digits: str) -> list[Field]:
    """The number of ``一、本年新收<digits>``: written against its label, cells run together."""
    fields = split_line(f"一、本年新收{digits}").numbers
    assert [f.glued for f in fields] == [True]
    return fields


def test_runs_of_digits_split_only_when_unique() -> None:
    assert run_splits("0000000", 7) == ((0,) * 7,)
    assert len(run_splits("801000081", 7)) > 1
    fit = fit_row(_glued("801000081"), 7, separated=False, check=row_sum(6))
    assert fit.cells == [80, 1, 0, 0, 0, 0, 81]  # the one reading whose row adds up …
    assert not any(fit.certain)  # … but still flagged
    assert fit_row(_glued("191000020"), 7, separated=False, check=row_sum(6)).cells[0] is None
    assert fit_row(_glued("12"), 7, separated=False).certain == [False] * 7
    zeros = fit_row(_glued("0000000"), 7, separated=False)
    assert zeros.cells == [0] * 7 and all(zeros.certain)  # no reading with a blank cell
    one_cell = fit_row(_glued("2629"), 1, separated=False)
    assert one_cell.cells == [2629] and all(one_cell.certain)


def test_a_short_row_keeps_its_number_whole() -> None:
    """550 printed apart from its label under three columns: not 5 | 5 | 0, and flagged."""
    for line in ("行政许可     550", "行政许可 550"):
        fields = split_line(line).numbers
        assert [f.glued for f in fields] == [False]
        fit = fit_row(fields, 3, separated=False)
        assert fit.cells == [550, None, None] and fit.certain == [False] * 3
    glued = fit_row(split_line("行政许可550").numbers, 3, separated=False)
    assert glued.certain == [False] * 3  # 5|5|0 or 550|blank|blank: run together, not certain


def test_padding_at_both_ends_is_ambiguous_unless_the_table_says() -> None:
    fields = split_line("\t258\t12\t\t\t1\t1\t").fields
    assert not all(fit_row(fields, 7, separated=True).certain)
    learned = fit_row(fields, 7, separated=True, pads={0})
    assert learned.cells == [258, 12, None, None, 1, 1, None] and all(learned.certain)


def test_unlabelled_rows_fill_a_gap_only_when_the_count_matches() -> None:
    text = HUAIAN.read_text("utf-8")
    lines = text.split("\n")
    np3 = next(i for i, x in enumerate(lines) if "3.要求提供公开出版物" in x)
    np4 = next(i for i, x in enumerate(lines) if "4.无正当理由大量反复申请" in x)
    moved = list(lines)
    moved[np3] = moved[np3].replace("3.要求提供公开出版物", "")  # label lost: still fits
    assert import_text("\n".join(moved), "x").uncertain == []
    del moved[np4]  # 5.'s numbers were unlabelled too: two rows for three missing, all flagged
    result = import_text("\n".join(moved), "x")
    flagged = {p.rsplit(".", 1)[0] for p in result.uncertain}
    assert flagged == {f"requests.not_processed_{i}" for i in (3, 4, 5)}
    assert result.report.requests.not_processed_3 == [None] * 7


def test_footers_and_markdown_rules_are_dropped() -> None:
    assert clean_lines("a\n— 3 —\n-4-\n第 5 页\n|---|---|\nb") == ["a", "b"]


def test_html_tables_expand_spans() -> None:
    html = (
        "<p>标题</p><table><tr><td rowspan=2>A</td><td colspan=2>B</td></tr>"
        "<tr><td>1</td><td>2</td></tr></table><p>尾</p>"
    )
    # a spanned label fills its positions: only real cells are empty fields
    assert html_to_text(html).splitlines() == ["标题", "A\tB\tB", "A\t1\t2", "尾"]
    spanned_value = "<table><tr><td colspan=2>7</td><td>x</td></tr></table>"
    assert html_to_text(spanned_value).splitlines() == ["7\t\tx"]


def test_a_section_heading_running_into_its_text() -> None:
    text = _seed(
        ("六、其他需要报告的事项\n\n无", "六、其他需要报告的事项。本年度未收取信息处理费。")
    )
    other = import_text(text, "x").report.other_matters
    assert other.text == "本年度未收取信息处理费。\n"
    assert other.processing_fee_yuan == 0


def _blank_number(text: str, label: str, nth: int) -> str:
    """Replace the ``nth`` of the last seven numbers on the line with ``label`` by spaces."""
    lines = text.split("\n")
    i = next(i for i, x in enumerate(lines) if label in x)
    m = list(re.finditer(r"(?<![\d.])\d+(?![\d.])", lines[i]))[-7:][nth]
    lines[i] = lines[i][: m.start()] + " " * len(m.group()) + lines[i][m.end() :]
    return "\n".join(lines)


def test_layout_blank_cells_are_placed_by_column_position() -> None:
    text = HUAIAN.read_text("utf-8")
    result = import_text(_blank_number(text, "2.其他法律行政法规禁止公开", 1), "x")
    assert result.report.requests.withheld_2 == [30, None, 0, 0, 0, 0, 31]
    assert result.uncertain == []
    # the first row has no complete row above it to take the columns from: flagged
    result = import_text(_blank_number(text, "一、本年新收", 4), "x")
    assert {p.rsplit(".", 1)[0] for p in result.uncertain} == {"requests.new"}


def test_wrapped_lines_join_without_space_between_chinese_and_with_one_between_words() -> None:
    from reportkit.importer.paragraphs import join

    assert join("依法依规办理行政", "许可 284 件。") == "依法依规办理行政许可 284 件。"
    assert join("contact us at the", "office") == "contact us at the office"
    assert (
        join("电子邮箱：hazwgkc@163.com）。如", "对本报告")
        == "电子邮箱：hazwgkc@163.com）。如对本报告"
    )
    text = _seed(
        (
            "（一）主动公开。全年累计公开各类信息 232 条，其中政府网站 15 条、",
            "    （一）主动公开。全年累计公开各类信息 232 条，其中政府网站 15 条、\n",
        ),
    )
    # a run-in item's first line wraps: the item keeps its whole first paragraph
    item = import_text(text, "x").report.overview.items[0]
    assert item.run_in and item.text.startswith(
        "全年累计公开各类信息 232 条，其中政府网站 15 条、“精彩西工”"
    )
