"""Tables 二, 三, 四 as HTML: official merged headers, every number in its official cell."""

from __future__ import annotations

from decimal import Decimal

import pytest
from bs4 import Tag

from reportkit.model import labels as L
from reportkit.model.params import parse_report
from reportkit.render.tables import cell_text, table2_html, table3_html, table4_html
from tests.docsamples import (
    grid,
    numbered_report,
    seed_data,
    seed_report,
    soup,
    text,
    trial_report,
)

LABEL_COLS = 3  # table 三: three label columns before the seven numbers


def _table(html: str) -> Tag:
    tables = soup(html).find_all("table")
    assert len(tables) == 1
    table = tables[0]
    assert isinstance(table, Tag)
    return table


def _body_row(g: list[list[Tag]], *labels: str) -> list[Tag]:
    """The table 三 grid row whose label columns read ``labels`` (merged cells repeated)."""
    for row in g[3:]:
        names = list(dict.fromkeys(text(c) for c in row[:LABEL_COLS]))
        if names == list(labels):
            return row
    raise AssertionError(f"no row {labels}")


def _row_labels(row: L.RequestRow) -> tuple[str, ...]:
    own = f"{row.number}{row.label}"
    if row.group is None:
        return (own,)
    if row.group == L.RESULTS_GROUP:
        return (L.RESULTS_GROUP, own)
    return (L.RESULTS_GROUP, row.group, own)


# ---------------------------------------------------------------- table 三


def test_table3_header_is_the_official_merged_header() -> None:
    table = _table(table3_html(seed_report()))
    thead = table.find("thead")
    assert isinstance(thead, Tag)
    assert len(thead.find_all("tr")) == 3
    g = grid(table)
    assert len(g[0]) == 10
    note = g[0][0]
    assert text(note) == L.TABLE3_NOTE
    assert note.get("rowspan") == "3" and note.get("colspan") == "3"
    assert all(g[r][c] is note for r in range(3) for c in range(3))
    assert {text(c) for c in g[0][3:]} == {L.APPLICANT}
    assert g[0][3].get("colspan") == "7"
    assert text(g[1][3]) == text(g[2][3]) == L.NATURAL_PERSON
    assert {text(c) for c in g[1][4:9]} == {L.LEGAL_PERSON}
    assert [text(c) for c in g[2][4:9]] == [
        L.REQUEST_COLUMNS[k] for k in L.LEGAL_PERSON_COLUMN_KEYS
    ]
    assert text(g[1][9]) == text(g[2][9]) == L.TOTAL
    assert g[1][9] is g[2][9]


def test_table3_seed_cell_under_total_for_state_secrets() -> None:
    g = grid(_table(table3_html(seed_report())))
    row = _body_row(g, L.RESULTS_GROUP, L.WITHHELD_GROUP, "1.属于国家秘密")
    assert text(row[9]) == "0"
    assert "num" in (row[9].get("class") or [])


@pytest.mark.parametrize("fmt", ["2021", "2019-trial"])
def test_table3_every_number_in_its_official_cell(fmt: str) -> None:
    report = numbered_report() if fmt == "2021" else trial_report()
    g = grid(_table(table3_html(report)))
    body = g[3:]
    rows = L.request_rows(report.format)
    assert len(body) == len(rows)
    for row in rows:
        cells = _body_row(g, *_row_labels(row))
        expected = [cell_text(v) for v in report.request_row(row.key)]
        assert [text(c) for c in cells[LABEL_COLS:]] == expected, row.full_label


def test_table3_rowspans_over_result_rows_and_sub_rows() -> None:
    table = _table(table3_html(seed_report()))
    results = table.find("th", string=L.RESULTS_GROUP)
    assert isinstance(results, Tag)
    assert results.get("rowspan") == str(2 + 8 + 3 + 5 + 3 + 1)
    for group, n in [
        (L.WITHHELD_GROUP, 8),
        (L.UNAVAILABLE_GROUP, 3),
        (L.NOT_PROCESSED_GROUP, 5),
        (L.OTHER_GROUP, 3),
    ]:
        cell = table.find("th", string=group)
        assert isinstance(cell, Tag)
        assert cell.get("rowspan") == str(n), group
    for whole in ("一、本年新收政府信息公开申请数量", "四、结转下年度继续办理"):
        cell = table.find("th", string=whole)
        assert isinstance(cell, Tag)
        assert cell.get("colspan") == "3"
    total = table.find("th", string="（七）总计")
    assert isinstance(total, Tag) and total.get("colspan") == "2"


def test_table3_trial_format_has_one_other_row() -> None:
    table = _table(table3_html(trial_report()))
    results = table.find("th", string=L.RESULTS_GROUP)
    assert isinstance(results, Tag)
    assert results.get("rowspan") == str(2 + 8 + 3 + 5 + 1 + 1)
    other = table.find("th", string="（六）其他处理")
    assert isinstance(other, Tag) and other.get("colspan") == "2"
    assert table.find(string=L.OTHER_LABELS[0]) is None


def test_blank_and_slashed_cells() -> None:
    data = seed_data()
    data["requests"]["new"] = [None, "/", 0, 0, 0, 0, 5]
    g = grid(_table(table3_html(parse_report(data))))
    row = _body_row(g, "一、本年新收政府信息公开申请数量")
    assert [text(c) for c in row[3:6]] == ["", "/", "0"]
    assert row[3].name == "td" and row[3].get_text() == ""


def test_numbers_are_right_aligned_cells() -> None:
    table = _table(table3_html(seed_report()))
    tbody = table.find("tbody")
    assert isinstance(tbody, Tag)
    tds = tbody.find_all("td")
    assert len(tds) == 25 * 7
    assert all("num" in (td.get("class") or []) for td in tds)
    assert "rk-table" in (table.get("class") or [])


# ---------------------------------------------------------------- table 二


def _subtables(html: str) -> list[Tag]:
    return [t for t in soup(html).find_all("table") if isinstance(t, Tag)]


def test_table2_four_subtables_with_article_headings() -> None:
    tables = _subtables(table2_html(seed_report()))
    assert [text(grid(t)[0][0]) for t in tables] == [
        L.ARTICLE_1,
        L.ARTICLE_5,
        L.ARTICLE_6,
        L.ARTICLE_8,
    ]
    for t in tables:
        thead = t.find("thead")
        assert isinstance(thead, Tag) and len(thead.find_all("tr")) == 2
        assert grid(t)[0][0].get("colspan") == "4"
    g1 = grid(tables[0])
    assert [text(c) for c in g1[1]] == [L.INFO_CONTENT, *L.DOC_COLUMNS.values()]
    assert [text(c) for c in g1[2]] == ["规章", "0", "0", "0"]
    assert [text(c) for c in g1[3]] == ["行政规范性文件", "0", "0", "0"]
    g5 = grid(tables[1])
    assert text(g5[1][1]) == L.DECISIONS_COLUMN and g5[1][1].get("colspan") == "3"
    assert [text(g5[2][0]), text(g5[2][1])] == ["行政许可", "284"]
    g6 = grid(tables[2])
    assert [(text(r[0]), text(r[1])) for r in g6[2:]] == [("行政处罚", "3"), ("行政强制", "0")]
    g8 = grid(tables[3])
    assert text(g8[1][1]) == L.FEES_COLUMN
    assert [text(g8[2][0]), text(g8[2][1])] == [L.FEES_ROW, "633.8612"]


def test_fee_printed_exactly_as_given() -> None:
    assert cell_text(Decimal("633.8612")) == "633.8612"
    assert cell_text(Decimal("12.50")) == "12.50"
    assert cell_text(Decimal("1E+1")) == "10"
    data = seed_data()
    data["proactive"]["fees_10k_yuan"] = Decimal("0.0300")
    assert ">0.0300<" in table2_html(parse_report(data))


def test_table2_trial_format() -> None:
    tables = _subtables(table2_html(trial_report()))
    assert [text(grid(t)[0][0]) for t in tables] == [
        L.ARTICLE_1,
        L.ARTICLE_5,
        L.ARTICLE_6,
        L.ARTICLE_8,
        L.ARTICLE_9,
    ]
    g1 = grid(tables[0])
    assert [text(c) for c in g1[1]] == [L.INFO_CONTENT, *L.TRIAL_DOC_COLUMNS.values()]
    assert [text(c) for c in g1[3]] == ["规范性文件", "4", "5", "6"]
    g5 = grid(tables[1])
    assert [text(c) for c in g5[1]] == [L.INFO_CONTENT, *L.TRIAL_ITEM_COLUMNS.values()]
    assert [text(c) for c in g5[2]] == ["行政许可", "5", "-1", "7"]
    assert [text(c) for c in g5[3]] == ["其他对外管理服务事项", "8", "0", "9"]
    g8 = grid(tables[3])
    assert [text(c) for c in g8[2][:3]] == [L.FEES_ROW, "2", "/"]
    g9 = grid(tables[4])
    assert [text(c) for c in g9[1][:3]] == [L.INFO_CONTENT, "采购项目数量", "采购总金额"]
    assert [text(c) for c in g9[2][:3]] == [L.TRIAL_PROCUREMENT_ROW, "6", "251000元"]


# ---------------------------------------------------------------- table 四


def test_table4_headers_and_fifteen_numbers() -> None:
    report = numbered_report()
    table = _table(table4_html(report))
    thead = table.find("thead")
    assert isinstance(thead, Tag) and len(thead.find_all("tr")) == 3
    g = grid(table)
    assert len(g[0]) == 15
    assert {text(c) for c in g[0][:5]} == {L.REVIEW}
    assert {text(c) for c in g[0][5:]} == {L.LITIGATION}
    assert {text(c) for c in g[1][5:10]} == {"未经复议直接起诉"}
    assert {text(c) for c in g[1][10:]} == {"复议后起诉"}
    columns = list(L.REVIEW_COLUMNS.values())
    assert [text(c) for c in g[2]] == columns * 3
    assert all(g[1][i] is g[2][i] for i in range(5))
    assert [text(c) for c in g[3]] == [
        str(v) for key in L.REVIEW_GROUPS for v in report.review_litigation.group(key)
    ]
    assert len(g) == 4
