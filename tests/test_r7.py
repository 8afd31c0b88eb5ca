"""R7, the narrative's numbers against the tables (issue 16).

The heart: a hypothesis property over random valid tables and narratives written from them in
every statement form and number form — no finding; change one stated number — exactly one
finding, naming that statement's cells. Then each form by instance, what R7 must not tie, the
eight published reports (hand-checked in ``tests/data/r7/``), and how findings are shown.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportkit.checks import check_report
from reportkit.checks.narrative import read_claims, rule_r7, table_cells
from reportkit.checks.numbers import find_numbers
from reportkit.checks.statements import (
    REFINEMENTS,
    STATEMENTS,
    Refinement,
    Statement,
    vocabulary_markdown,
)
from reportkit.importer import import_report
from reportkit.model import Report
from reportkit.model import labels as L

from .conftest import FIXTURES, REPO

# ---------------------------------------------------------------- random valid reports

SMALL = st.one_of(st.integers(0, 9), st.integers(0, 40), st.integers(0, 1500))


@st.composite
def tables(draw: st.DrawFn, fmt: L.Format | None = None) -> dict[str, Any]:
    """A params mapping whose tables satisfy R1–R4, with empty narratives."""
    fmt = fmt or draw(st.sampled_from(L.FORMATS))
    keys, results = L.request_row_keys(fmt), L.result_row_keys(fmt)
    rows: dict[str, list[int]] = {k: [0] * 6 for k in keys}
    quiet = draw(st.sets(st.sampled_from(["requests", "review", "corrected", "docs", "fee"])))
    for c in range(6 if "requests" not in quiet else 0):
        for k in results:
            rows[k][c] = draw(st.integers(0, 3)) if c else draw(SMALL)
        total = sum(rows[k][c] for k in results)
        rows["total"][c] = total
        rows["carried_forward"][c] = draw(st.integers(0, 30))
        rows["carried_over"][c] = min(draw(st.integers(0, 30)), total + rows["carried_forward"][c])
        rows["new"][c] = total + rows["carried_forward"][c] - rows["carried_over"][c]
    review = {}
    for g in L.REVIEW_GROUPS:
        parts = [draw(st.integers(0, 40)) if "review" not in quiet else 0 for _ in range(4)]
        parts[1] *= "corrected" not in quiet
        review[g] = [*parts, sum(parts)]
    big = st.integers(0, 2_000_000)
    if fmt == "2021":
        proactive: dict[str, Any] = {
            k: {c: draw(st.integers(0, 400)) * ("docs" not in quiet) for c in L.DOC_COLUMNS}
            for k in L.DOC_ROWS
        }
        proactive |= {k: draw(big) for k in L.DECISION_ROWS}
        proactive["fees_10k_yuan"] = Decimal(draw(st.integers(0, 10**9))).scaleb(-4)
    else:
        proactive = {
            k: {c: draw(st.integers(0, 400)) * ("docs" not in quiet) for c in L.TRIAL_DOC_COLUMNS}
            for k in L.DOC_ROWS
        }
        proactive |= {
            k: {"previous_count": 0, "change": 0, "decisions": draw(big)} for k in L.TRIAL_ITEM_ROWS
        }
        proactive["fees"] = {"previous_count": 0, "change": 0}
        proactive["procurement"] = {"projects": 0, "amount": None}
    return {
        "agency": {"id": "r7-prop", "name": "测试区某局"},
        "year": 2024,
        "format": fmt,
        "overview": {
            "intro": "",
            "items": [{"heading": h, "text": ""} for h in L.OVERVIEW_ITEMS],
        },
        "proactive": proactive,
        "requests": {k: [*v, sum(v)] for k, v in rows.items()},
        "review_litigation": review,
        "problems": {"intro": ""},
        "other_matters": {
            "text": "",
            "processing_fee_yuan": Decimal(draw(st.integers(0, 2000)) * ("fee" not in quiet)),
        },
    }


# ---------------------------------------------------------------- statement forms


@dataclass(frozen=True)
class Slot:
    """One number of a form: the cells it states, how it is written, a share's whole."""

    cells: tuple[str, ...]
    kind: str = "count"  # count, wan (万元), yuan, percent
    share_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Form:
    """A sentence stating table values; ``{a}``, ``{b}``, ``{c}`` are its slots' numbers."""

    text: str
    slots: tuple[Slot, ...]
    place: str  # intro, proactive, requests, five, six


def _count(*cells: str) -> Slot:
    return Slot(cells)


NEW, CARRIED = "requests.new.total", "requests.carried_over.total"
TOTAL, FORWARD = "requests.total.total", "requests.carried_forward.total"
GRANTED, PARTIAL = "requests.granted.total", "requests.partially_granted.total"
REVIEW = "review_litigation.review.total"
LITIGATION = (
    "review_litigation.litigation_direct.total",
    "review_litigation.litigation_after_review.total",
)
LEGAL = tuple(f"requests.new.{c}" for c in L.LEGAL_PERSON_COLUMN_KEYS)
ALL = ("requests.total.total",)

FORMS: tuple[Form, ...] = (
    # 新收/收到/受理 申请
    Form("全年共收到政府信息公开申请{a}件", (_count(NEW),), "requests"),
    Form("本年度新收政府信息公开申请{a}件", (_count(NEW),), "requests"),
    Form("我局受理政府信息公开申请共{a}件", (_count(NEW),), "intro"),
    Form("全年接收各类政府信息公开申请共计{a}件", (_count(NEW),), "requests"),
    # 上年结转, 办结/办理完毕/答复, 结转下年度
    Form("另有上年结转申请{a}件", (_count(CARRIED),), "requests"),
    Form("含上年度结转申请{a}件", (_count(CARRIED),), "requests"),
    Form("全年办结{a}件", (_count(TOTAL),), "requests"),
    Form("办理完毕政府信息公开申请{a}件", (_count(TOTAL),), "intro"),
    Form("答复政府信息公开申请{a}件", (_count(TOTAL),), "requests"),
    Form("结转下年度继续办理{a}件", (_count(FORWARD),), "requests"),
    Form("另有{a}件申请顺延到下年度答复", (_count(FORWARD),), "requests"),
    # outcomes, and their shares of 三（七）总计
    Form("予以公开{a}件", (_count(GRANTED),), "requests"),
    Form("部分公开{a}件", (_count(PARTIAL),), "requests"),
    Form("予以公开及部分公开{a}件", (_count(GRANTED, PARTIAL),), "requests"),
    Form("不予公开{a}件", (_count("requests.withheld_*.total"),), "requests"),
    Form("无法提供{a}件", (_count("requests.unavailable_*.total"),), "requests"),
    Form("不予处理{a}件", (_count("requests.not_processed_*.total"),), "requests"),
    Form("其他处理{a}件", (_count("requests.other*.total"),), "requests"),
    Form(
        "因本机关不掌握相关政府信息无法提供{a}件",
        (_count("requests.unavailable_*.total"),),
        "requests",
    ),
    Form("属于重复申请的{a}件", (_count("requests.not_processed_2.total"),), "requests"),
    Form(
        "予以公开{a}件，占{b}%",
        (_count(GRANTED), Slot((GRANTED,), "percent", ALL)),
        "requests",
    ),
    Form(
        "不予处理{a}件（{b}%）",
        (
            _count("requests.not_processed_*.total"),
            Slot(("requests.not_processed_*.total",), "percent", ALL),
        ),
        "requests",
    ),
    Form("依申请公开率为{a}%", (Slot((GRANTED, PARTIAL), "percent", ALL),), "requests"),
    # 自然人 / 法人或其他组织 splits
    Form(
        "共收到政府信息公开申请{a}件，其中自然人申请{b}件，法人或其他组织申请{c}件",
        (_count(NEW), _count("requests.new.natural_person"), _count(*LEGAL)),
        "requests",
    ),
    Form(
        "新收申请{a}件，涉及自然人{b}件、商业企业{c}件",
        (_count(NEW), _count("requests.new.natural_person"), _count("requests.new.commercial")),
        "requests",
    ),
    # 表四
    Form("被申请行政复议{a}件", (_count(REVIEW),), "requests"),
    Form("因政府信息公开引起的行政复议案件{a}件", (_count(REVIEW),), "five"),
    Form("被提起行政诉讼{a}件", (_count(*LITIGATION),), "requests"),
    Form(
        "因政府信息公开引起的行政复议{a}件、行政诉讼{b}件",
        (_count(REVIEW), _count(*LITIGATION)),
        "requests",
    ),
    Form("未经复议直接起诉{a}件", (_count(LITIGATION[0]),), "requests"),
    Form("复议后起诉{a}件", (_count(LITIGATION[1]),), "requests"),
    Form(
        "行政复议{a}件，其中结果维持{b}件，结果纠正{c}件",
        (
            _count(REVIEW),
            _count("review_litigation.review.upheld"),
            _count("review_litigation.review.corrected"),
        ),
        "requests",
    ),
    Form(
        "行政诉讼结果纠正{a}件",
        (_count(*(p.replace("total", "corrected") for p in LITIGATION)),),
        "requests",
    ),
    Form(
        "政府信息公开行政诉讼败诉{a}件",
        (_count(*(p.replace("total", "corrected") for p in LITIGATION)),),
        "five",
    ),
    # 表二
    Form(
        "制发规章{a}件",
        (_count("proactive.rules.issued", "proactive.rules.new_made"),),
        "proactive",
    ),
    Form(
        "主动公开规章{a}件、行政规范性文件{b}件",
        (
            _count("proactive.rules.issued", "proactive.rules.new_published"),
            _count(
                "proactive.normative_documents.issued",
                "proactive.normative_documents.new_published",
            ),
        ),
        "proactive",
    ),
    Form(
        "制发行政规范性文件{a}件，废止{b}件，现行有效行政规范性文件{c}件",
        (
            _count(
                "proactive.normative_documents.issued", "proactive.normative_documents.new_made"
            ),
            _count("proactive.normative_documents.repealed"),
            _count("proactive.normative_documents.in_force"),
        ),
        "proactive",
    ),
    Form(
        "依法办理行政许可{a}件",
        (_count("proactive.licensing", "proactive.licensing.decisions"),),
        "proactive",
    ),
    Form(
        "作出行政处罚决定{a}件",
        (_count("proactive.penalty", "proactive.penalty.decisions"),),
        "intro",
    ),
    Form(
        "实施行政强制措施{a}件",
        (_count("proactive.enforcement", "proactive.enforcement.decisions"),),
        "proactive",
    ),
    Form("收取行政事业性收费{a}万元", (Slot(("proactive.fees_10k_yuan",), "wan"),), "proactive"),
    Form("行政事业性收费金额{a}元", (Slot(("proactive.fees_10k_yuan",), "yuan"),), "proactive"),
    # 六
    Form("全年收取信息处理费{a}元", (Slot(("other_matters.processing_fee_yuan",), "yuan"),), "six"),
)

#: Statements of none: written (in the narratives of the property) only when their cells are 0.
NONE_FORMS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("本年度未收到政府信息公开申请", (NEW,), "requests"),
    ("无上年结转申请", (CARRIED,), "requests"),
    ("均在法定期限内答复，无结转下年度办理的申请", (FORWARD,), "requests"),
    ("全年未发生因政府信息公开引起的行政复议、行政诉讼案件", (REVIEW, *LITIGATION), "requests"),
    ("未发生因政府信息公开被行政复议纠错", ("review_litigation.review.corrected",), "five"),
    (
        "继续保持零败诉",
        (
            "review_litigation.litigation_direct.corrected",
            "review_litigation.litigation_after_review.corrected",
        ),
        "requests",
    ),
    ("本年度未制发规章", ("proactive.rules.issued", "proactive.rules.new_made"), "proactive"),
    ("本年度未收取信息处理费", ("other_matters.processing_fee_yuan",), "six"),
)

#: Sentences with numbers that state nothing about the tables.
DISTRACTORS = (
    "全年通过门户网站主动公开政府信息{n}条",
    "发布政策解读{n}篇",
    "组织业务培训{n}次，参训{n}人次",
    "开设专题专栏{n}个",
    "受理网络问政{n}件",
    "承办人大代表建议{n}件、政协提案{n}件，均已按期办结",
    "政务新媒体粉丝近{n}万人",
)
PLACES = {"intro": 0, "proactive": 1, "requests": 2, "five": 3, "six": 4}


# ---------------------------------------------------------------- numbers as people write them

DIGITS = "零一二三四五六七八九"


def _below_10k(n: int, leading: bool) -> str:
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            zero = bool(out)
            continue
        out += ("零" if zero else "") + DIGITS[d] + unit
        zero = False
    return out[1:] if leading and out.startswith("一十") else out


def chinese(n: int, two: bool = False) -> str:
    """171 → 一百七十一, 1005 → 一千零五, 12 → 十二; ``two``: 2 → 两, 200 → 两百 (n < 10⁸)."""
    if n == 0:
        return "零"
    high, low = divmod(n, 10_000)
    text = _below_10k(low, True)
    if high:
        text = (
            _below_10k(high, True)
            + "万"
            + ("零" if 0 < low < 1000 else "")
            + _below_10k(low, False)
        )
    if two and (text == "二" or text[:2] in ("二百", "二千", "二万")):
        text = "两" + text[1:]
    return text


FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def write_count(n: int, form: str, space: str) -> str:
    """``n`` in one of the ways people write a count in a report."""
    text = {
        "arabic": str(n),
        "full-width": str(n).translate(FULL),
        "chinese": chinese(n),
        "two": chinese(n, two=True),
        "grouped": f"{n:,}",
        "grouped-cn": f"{n:,}".replace(",", "，"),
    }[form]
    return f"{space}{text}{space}"


COUNT_FORMS = st.sampled_from(["arabic", "full-width", "chinese", "two", "grouped", "grouped-cn"])
SPACES = st.sampled_from(["", " ", "\u3000", "\u00a0"])


def _round(value: Decimal, places: int, how: str) -> Decimal:
    return value.quantize(
        Decimal(1).scaleb(-places), ROUND_HALF_UP if how == "round" else ROUND_DOWN
    )


# ---------------------------------------------------------------- the property


def _resolve(patterns: tuple[str, ...], report: Report) -> list[str]:
    cells = table_cells(report)
    return [p for pattern in patterns for p in cells if fnmatchcase(p, pattern)]


def _value(patterns: tuple[str, ...], report: Report) -> Decimal | None:
    cells = table_cells(report)
    paths = _resolve(patterns, report)
    if not paths:
        return None
    return sum((Decimal(cells[p][1]) for p in paths), Decimal(0))  # type: ignore[arg-type]


@dataclass
class Written:
    """One slot as placed in the narrative: its sentence, its number there and what it states."""

    source: int
    sentence: int
    form: Form
    values: dict[str, str]
    name: str
    slot: Slot
    step: Decimal
    stated: Decimal
    mark: str  # what follows the form: 。 ends the sentence, ， or ； chains the next form


MARKS = st.sampled_from(["。", "。", "，", "；"])


@st.composite
def narrated(draw: st.DrawFn) -> tuple[dict[str, Any], list[list[str]], list[Written]]:
    """Random valid tables, and sentences stating them in random forms and places (statements
    of none where a value is 0), with sentences that state nothing about the tables between."""
    data = draw(tables())
    report = Report.model_validate(data)
    sources: list[list[str]] = [[] for _ in PLACES]
    written: list[Written] = []
    forms = draw(st.lists(st.sampled_from(FORMS), min_size=1, max_size=8))
    for form in forms:
        values: dict[str, str] = {}
        pending: list[Written] = []
        source, mark = PLACES[form.place], draw(MARKS)
        for name, slot in zip("abc", form.slots, strict=False):
            value = _value(slot.cells, report)
            if value is None:
                break
            if slot.kind == "percent":
                base = _value(slot.share_of, report)
                if not base:
                    break
                places = draw(st.integers(0, 2))
                stated = _round(value * 100 / base, places, draw(st.sampled_from(["round", "cut"])))
                text, step = f"{stated}", Decimal(1).scaleb(-places)
            elif slot.kind == "wan":
                places = draw(st.integers(0, 4))
                stated = _round(value, places, "round")
                text, step = f"{draw(SPACES)}{stated}", Decimal(1).scaleb(-places)
            elif slot.kind == "yuan" and slot.cells == ("proactive.fees_10k_yuan",):
                stated, step = value * 10_000, Decimal(1)
                text = f"{stated.normalize():f}"
            else:
                stated, step = value, Decimal(1)
                text = write_count(int(value), draw(COUNT_FORMS), draw(SPACES))
            values[name] = text
            pending.append(
                Written(source, len(sources[source]), form, values, name, slot, step, stated, mark)
            )
        else:
            sources[source].append(form.text.format(**values) + mark)
            written.extend(pending)
        text, cells, place = draw(st.sampled_from(NONE_FORMS))
        if _value(cells, report) == 0 and draw(st.booleans()):
            sources[PLACES[place]].append(text + draw(MARKS))
        if draw(st.booleans()):
            noise = draw(st.sampled_from(DISTRACTORS)).format(n=draw(st.integers(1, 9999)))
            sources[draw(st.integers(0, len(PLACES) - 1))].append(noise + draw(MARKS))
    return data, sources, written


def _narrate(data: dict[str, Any], sources: list[list[str]]) -> Report:
    text = ["".join(s)[:-1] + "。" if s else "" for s in sources]
    data = json.loads(json.dumps(data, default=str))
    data["proactive"] = _decimal_fees(data["proactive"])
    data["other_matters"]["processing_fee_yuan"] = Decimal(
        data["other_matters"]["processing_fee_yuan"]
    )
    data["overview"]["intro"] = text[0]
    data["overview"]["items"][0]["text"] = text[1]
    data["overview"]["items"][1]["text"] = text[2]
    data["problems"]["intro"] = text[3]
    data["other_matters"]["text"] = text[4]
    return Report.model_validate(data)


def _decimal_fees(proactive: dict[str, Any]) -> dict[str, Any]:
    if "fees_10k_yuan" in proactive:
        proactive["fees_10k_yuan"] = Decimal(proactive["fees_10k_yuan"])
    return proactive


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(story=narrated(), pick=st.data())
def test_narratives_of_valid_tables_pass_and_one_changed_number_is_one_finding(
    story: tuple[dict[str, Any], list[list[str]], list[Written]], pick: st.DataObject
) -> None:
    data, sources, written = story
    report = _narrate(data, sources)
    assert rule_r7(report) == [], sources
    if not written:
        return
    w = pick.draw(st.sampled_from(written))
    k = pick.draw(st.integers(2, 40))
    sign = 1 if w.stated < k * w.step else pick.draw(st.sampled_from([1, -1]))
    changed = format(w.stated + sign * k * w.step, "f")
    sentence = w.form.text.format(**(w.values | {w.name: changed}))
    sources[w.source][w.sentence] = sentence + w.mark
    mutated = _narrate(data, sources)
    findings = rule_r7(mutated)
    assert len(findings) == 1, (sources[w.source][w.sentence], [f.line() for f in findings])
    (f,) = findings
    cells = set(_resolve(w.slot.cells, mutated))
    if w.slot.kind == "percent":
        cells |= set(_resolve(w.slot.share_of, mutated))
    assert set(f.cells) == cells
    assert (f.rule, f.severity) == ("R7", "warning")
    assert changed in f.extra["stated"] and sentence in f.extra["sentence"]


# ---------------------------------------------------------------- numbers, one form at a time


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("收到申请170件", 170, "count"),
        ("收到申请 170 件", 170, "count"),
        ("收到申请\u3000170\u3000件", 170, "count"),
        ("收到申请１７０件", 170, "count"),
        ("收到申请1,171件", 1171, "count"),
        ("收到申请1，171件", 1171, "count"),
        ("收到申请1 171件", 1171, "count"),
        ("收到申请一百七十一件", 171, "count"),
        ("收到申请两件", 2, "count"),
        ("收到申请十二件", 12, "count"),
        ("收到申请一千零五件", 1005, "count"),
        ("收到申请两百三十件", 230, "count"),
        ("收到申请壹佰柒拾壹件", 171, "count"),
        ("行政复议2起", 2, "count"),
        ("收到申请1.2万件", 12000, "count"),
        ("收费633.8612万元", Decimal("6338612"), "yuan"),
        ("收费 6338612 元", 6338612, "yuan"),
        ("公开率 76.6%", Decimal("76.6"), "percent"),
        ("公开率７６．６％", Decimal("76.6"), "percent"),
        ("公开率百分之七十六点六", Decimal("76.6"), "percent"),
    ],
)
def test_numbers_as_people_write_them(text: str, value: Decimal | int, kind: str) -> None:
    (number,) = find_numbers(text)
    assert (number.value, number.kind, number.approximate) == (value, kind, False)


@pytest.mark.parametrize(
    "text",
    ["约300件", "近300件", "超过300件", "300余件", "300多件", "300件以上", "300件左右", "逾1000件"],
)
def test_approximate_numbers_are_marked(text: str) -> None:
    (number,) = find_numbers(text)
    assert number.approximate and number.value in (300, 1000)


@pytest.mark.parametrize(
    "text",
    [
        "2024年",
        "第3件",
        "H5作品",
        "一起研究",
        "一件事一次办",
        "提高3个百分点",
        "唯一一",
        "二〇二四年",
        "十几件",
    ],
)
def test_what_is_not_a_count(text: str) -> None:
    assert find_numbers(text) == []


def test_agreement_is_to_the_digits_written() -> None:
    (wan,) = find_numbers("633.86万元")
    assert wan.agrees(Decimal("6338612")) and not wan.agrees(Decimal("6339612"))
    assert not find_numbers("633.87万元")[0].agrees(Decimal("6338612"))
    (share,) = find_numbers("17.46%")
    assert share.agrees(Decimal("17.4643")) and share.agrees(Decimal("17.469"))
    assert not share.agrees(Decimal("17.48")) and not share.agrees(Decimal("17.4549"))
    assert find_numbers("4.34%")[0].agrees(Decimal("4.3478")) and find_numbers("4.35%")[0].agrees(
        Decimal("4.3478")
    )
    (count,) = find_numbers("170件")
    assert count.agrees(170) and not count.agrees(171)


@settings(max_examples=300, deadline=None)
@given(n=st.integers(0, 99_999_999), form=COUNT_FORMS, space=SPACES)
def test_any_count_written_any_way_reads_back(n: int, form: str, space: str) -> None:
    (number,) = find_numbers(f"收到申请{write_count(n, form, space)}件")
    assert number.value == n and number.kind == "count"


# ---------------------------------------------------------------- the issue's reviewer


def _report(narrative: str = "", place: str = "requests", **changes: Any) -> Report:
    """The issue's tables: 170 new, 15 carried over, 160 finished (98 granted), 25 carried
    forward, 10 reviews, 7 lawsuits; ``narrative`` written at ``place``."""
    rows = {k: [0] * 7 for k in L.request_row_keys("2021")}
    for key, n in [
        ("new", 170),
        ("carried_over", 15),
        ("granted", 98),
        ("unavailable_1", 40),
        ("not_processed_2", 22),
        ("total", 160),
        ("carried_forward", 25),
    ]:
        rows[key] = [n - 2, 2, 0, 0, 0, 0, n] if n > 2 else [n, 0, 0, 0, 0, 0, n]
    rows["total"] = [sum(rows[k][c] for k in L.result_row_keys("2021")) for c in range(7)]
    data: dict[str, Any] = {
        "agency": {"id": "r7-issue", "name": "某区某局"},
        "year": 2024,
        "overview": {"intro": "", "items": [{"heading": h, "text": ""} for h in L.OVERVIEW_ITEMS]},
        "proactive": {
            "rules": {"issued": 1, "repealed": 0, "in_force": 6},
            "normative_documents": {"issued": 8, "repealed": 2, "in_force": 40},
            "licensing": 284,
            "penalty": 3,
            "enforcement": 0,
            "fees_10k_yuan": Decimal("633.8612"),
        },
        "requests": rows,
        "review_litigation": {
            "review": [6, 2, 1, 1, 10],
            "litigation_direct": [3, 1, 0, 1, 5],
            "litigation_after_review": [1, 0, 1, 0, 2],
        },
        "problems": {"intro": ""},
        "other_matters": {"text": "", "processing_fee_yuan": Decimal(0)},
    }
    spot = {
        "intro": ("overview", "intro"),
        "requests": ("items", 1),
        "proactive": ("items", 0),
        "five": ("problems", "intro"),
        "six": ("other_matters", "text"),
    }[place]
    if spot[0] == "items":
        data["overview"]["items"][spot[1]]["text"] = narrative
    elif spot[0] == "overview":
        data["overview"]["intro"] = narrative
    else:
        data[spot[0]][spot[1]] = narrative
    for dotted, value in changes.items():
        target = data
        *path, last = dotted.split("__")
        for part in path:
            target = target[part]
        target[last] = value
    return Report.model_validate(data)


ISSUE_STATEMENTS = [
    (
        "行政诉讼案件9件",
        "行政诉讼案件7件",
        [
            "review_litigation.litigation_direct.total",
            "review_litigation.litigation_after_review.total",
        ],
        9,
        7,
    ),
    ("上年结转12件", "上年结转15件", ["requests.carried_over.total"], 12, 15),
    ("办结150件", "办结160件", ["requests.total.total"], 150, 160),
    (
        "结转下年度继续办理20件",
        "结转下年度继续办理25件",
        ["requests.carried_forward.total"],
        20,
        25,
    ),
    ("予以公开99件", "予以公开98件", ["requests.granted.total"], 99, 98),
    ("行政处罚4件", "行政处罚3件", ["proactive.penalty"], 4, 3),
    ("收到申请一百七十一件", "收到申请一百七十件", ["requests.new.total"], 171, 170),
    ("新收申请1,171件", "新收申请170件", ["requests.new.total"], 1171, 170),
]


@pytest.mark.parametrize(("wrong", "right", "cells", "stated", "table"), ISSUE_STATEMENTS)
def test_the_issues_statements_are_each_one_finding_on_their_cell(
    wrong: str, right: str, cells: list[str], stated: int, table: int
) -> None:
    assert rule_r7(_report(f"{right}。")) == []
    (f,) = rule_r7(_report(f"本年度{wrong}。"))
    assert list(f.cells) == cells and (f.value, f.expected) == (stated, table)
    assert wrong in f.message and str(table) in f.message


def test_the_issues_narrative_has_one_finding_per_wrong_statement() -> None:
    text = "。".join(w for w, *_ in ISSUE_STATEMENTS) + "。"
    findings = rule_r7(_report(text))
    assert [list(f.cells) for f in findings] == [c for _, _, c, _, _ in ISSUE_STATEMENTS]
    assert all(f.severity == "warning" for f in findings)


# ---------------------------------------------------------------- every form of the vocabulary


def _place(cells: tuple[str, ...]) -> str:
    """Where a statement of these cells stands: 表二 in （一）主动公开, 六, else （二）依申请公开."""
    if cells[0].startswith("proactive."):
        return "proactive"
    return "six" if cells[0].startswith("other_matters.") else "requests"


def _sum_of(patterns: tuple[str, ...] | list[str], report: Report) -> tuple[list[str], Decimal]:
    cells = table_cells(report)
    paths = [p for c in patterns for p in cells if fnmatchcase(p, c)]
    return paths, sum((Decimal(cells[p][1]) for p in paths), Decimal(0))  # type: ignore[arg-type]


def _written(value: Decimal, percent: bool) -> str:
    return f"{value:.2f}" if percent else format(value.normalize(), "f")


EXAMPLES = [(s, e) for s in STATEMENTS if s.numbers for e in s.examples if "{n}" in e]


@pytest.mark.parametrize(("statement", "example"), EXAMPLES, ids=[e for _, e in EXAMPLES])
def test_every_statement_example_is_read_as_its_statement(
    statement: Statement, example: str
) -> None:
    place = _place(statement.cells)
    paths, value = _sum_of(statement.cells, _report())
    percent = statement.unit == "percent"
    if percent:
        base_paths, base = _sum_of(statement.share_of, _report())
        value, paths = value * 100 / base, paths + base_paths
    elif statement.cells == ("proactive.fees_10k_yuan",) and "万元" not in example:
        value *= 10_000
    good = _report(example.format(n=_written(value, percent)) + "。", place)
    assert [c.target.name for c in read_claims(good)] == [statement.name]
    assert rule_r7(good) == []
    off = value + (Decimal("2.5") if percent else 5)
    (f,) = rule_r7(_report(example.format(n=_written(off, percent)) + "。", place))
    assert set(f.cells) == set(paths)


@pytest.mark.parametrize("refinement", REFINEMENTS, ids=lambda r: r.name)
def test_every_refinement_narrows_the_statement_before_it(refinement: Refinement) -> None:
    (example,) = refinement.examples
    place = "proactive" if refinement.applies[0].startswith("proactive") else "requests"
    head, narrowed = read_claims(_report(example.format(h=1, n=1) + "。", place))
    expected: list[str] = []
    for cell in head.target.cells:
        parts = cell.split(".")
        for key in refinement.keys:
            path = ".".join([*parts[: refinement.part], key, *parts[refinement.part + 1 :]])
            if path not in expected:
                expected.append(path)
    assert narrowed.target.cells == tuple(expected)
    _, whole = _sum_of(head.target.cells, _report())
    paths, value = _sum_of(expected, _report())
    assert rule_r7(_report(example.format(h=int(whole), n=int(value)) + "。", place)) == []
    (f,) = rule_r7(_report(example.format(h=int(whole), n=int(value) + 1) + "。", place))
    assert set(f.cells) == set(paths)


# ---------------------------------------------------------------- statements of none

REVIEW_CORRECTED = "review_litigation.review.corrected"
LITIGATION_CORRECTED = (
    "review_litigation.litigation_direct.corrected",
    "review_litigation.litigation_after_review.corrected",
)
NONES = [
    ("本年度未收到政府信息公开申请", "requests", ("requests.new__6",), [NEW]),
    ("本年度未接到政府信息公开申请件", "requests", ("requests.new__6",), [NEW]),
    ("无上年结转申请", "requests", ("requests.carried_over__6",), [CARRIED]),
    (
        "均在法定期限内答复，无结转下年度办理的申请",
        "requests",
        ("requests.carried_forward__6",),
        [FORWARD],
    ),
    (
        "全年未发生因政府信息公开引起的行政复议、行政诉讼案件",
        "requests",
        (
            "review_litigation.review__4",
            "review_litigation.litigation_direct__4",
            "review_litigation.litigation_after_review__4",
        ),
        [REVIEW, *LITIGATION],
    ),
    (
        "全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形",
        "five",
        ("review_litigation.review__1", "review_litigation.litigation_direct__1"),
        [REVIEW_CORRECTED, *LITIGATION_CORRECTED],
    ),
    (
        "该行政复议件未被复议审查机关纠错",
        "requests",
        ("review_litigation.review__1",),
        [REVIEW_CORRECTED],
    ),
    (
        "继续保持零败诉",
        "requests",
        ("review_litigation.litigation_direct__1",),
        list(LITIGATION_CORRECTED),
    ),
    (
        "本年度未收取信息处理费",
        "six",
        ("other_matters.processing_fee_yuan",),
        ["other_matters.processing_fee_yuan"],
    ),
    (
        "2024年，无收取信息处理费情况",
        "six",
        ("other_matters.processing_fee_yuan",),
        ["other_matters.processing_fee_yuan"],
    ),
    (
        "政府信息公开未发生收费情况",
        "six",
        ("other_matters.processing_fee_yuan",),
        ["other_matters.processing_fee_yuan"],
    ),
    ("本年度未制发规章", "proactive", ("proactive.rules.issued",), ["proactive.rules.issued"]),
    ("本年度无行政处罚", "proactive", ("proactive.penalty",), ["proactive.penalty"]),
]


def _zeroed(cells: tuple[str, ...], value: int) -> dict[str, Any]:
    """``_report`` changes that set the given cells (``table.row__index`` or a path) to value."""
    data = _report().model_dump()
    changes: dict[str, Any] = {}
    for cell in cells:
        if "__" in cell:
            table, index = cell.split("__")
            section, row = table.split(".")
            values = list(data[section][row])
            values[int(index)] = value
            changes[f"{section}__{row}"] = values
        else:
            *path, last = cell.split(".")
            changes["__".join([*path, last])] = Decimal(value) if "fee" in last else value
    return changes


@pytest.mark.parametrize(("text", "place", "set_cells", "cells"), NONES, ids=[n[0] for n in NONES])
def test_statements_of_none(
    text: str, place: str, set_cells: tuple[str, ...], cells: list[str]
) -> None:
    none = _report(text + "。", place, **_zeroed(set_cells, 0))
    claims = read_claims(none)
    assert claims and all(c.stated is None for c in claims)
    read = [p for c in claims for p in _sum_of(c.target.cells, none)[0]]
    assert read == cells
    assert rule_r7(none) == []
    some = _zeroed(set_cells, 0) | _zeroed(set_cells[:1], 3)
    (f,) = rule_r7(_report(text + "。", place, **some))
    assert set(f.cells) <= set(cells) and f.value == 0 and "称 没有" in f.message
    assert f.expected > 0


# ---------------------------------------------------------------- what R7 does not guess

NOT_TIED = [
    "全年受理网络问政182件",  # not a 政府信息公开申请
    "全年受理城乡低保申请 300 件",
    "依法做好相关行政复议、行政诉讼案件的应诉工作，全县共办理相关案件 74 件",  # names no row
    "统一受理平台接入53个部门2261项事项",
    "经审核的市政府公文主动公开率达90.2%",  # not the 公开率 of requests
    "收到政府信息公开申请约300件",
    "收到政府信息公开申请300余件",
    "收到政府信息公开申请300件以上",
    "2023年，我局收到政府信息公开申请80件",  # another year
    "去年收到政府信息公开申请80件",
    "收到申请数量较上年增加20件",
    "不予公开、无法提供共12件",  # a sum the vocabulary does not name
    "行政复议、行政诉讼各1件",
    "当年发布政府信息 393 件，其中包括：行政规范性文件 13 件",  # 13 of what? no verb
    "承办人大代表建议50件，均已按期办结",
    "与行政复议机关一起研究",
    "全年新增公开市政府办政策性文件 11 件",
    "共收取信息处理费 300 元，其余申请均未收费",  # the none is about the rest
    "其中：自然人申请 5 件",  # a column, but of no statement
]


def test_table_four_is_the_cases_of_gio_requests_only() -> None:
    """A 司法局 states the review cases it handled; table 四 counts those brought by 政府信息公开."""
    assert read_claims(_report("全年办理行政复议案件 300 件。", "intro")) == []
    (claim,) = read_claims(_report("全年因政府信息公开被申请行政复议 300 件。", "intro"))
    assert claim.target.cells == (REVIEW,)
    (claim,) = read_claims(_report("全年办理行政复议案件 10 件。", "requests"))  # under 依申请公开
    assert claim.target.cells == (REVIEW,)


@pytest.mark.parametrize("text", NOT_TIED)
def test_what_is_not_tied_to_a_cell_is_not_guessed(text: str) -> None:
    claims = read_claims(_report(text + "。", "six" if "处理费" in text else "requests"))
    assert [
        c.said
        for c in claims
        if c.target.cells != ("other_matters.processing_fee_yuan",) or c.stated is None
    ] == []


def test_blank_cells_are_not_compared_r8_reports_them() -> None:
    blank = _report("全年共收到政府信息公开申请 999 件。", requests__new=[None] * 7)
    assert rule_r7(blank) == []
    assert any(f.rule == "R8" for f in check_report(blank))


def test_statement_the_format_lacks_is_not_compared() -> None:
    trial = _report("全年收取行政事业性收费 1 万元。", "proactive").model_dump()
    trial["format"] = "2019-trial"
    trial["proactive"] = {
        "rules": {"new_made": 1, "new_published": 1, "total_published": 5},
        "normative_documents": {"new_made": 2, "new_published": 2, "total_published": 9},
        **{k: {"previous_count": 0, "change": 0, "decisions": 3} for k in L.TRIAL_ITEM_ROWS},
        "fees": {"previous_count": 0, "change": 0},
        "procurement": {"projects": 0, "amount": None},
    }
    trial["requests"]["other"] = [0] * 7
    for key in ("other_1", "other_2", "other_3"):
        trial["requests"][key] = None
    report = Report.model_validate(trial)
    assert rule_r7(report) == []
    changed = report.model_copy(deep=True)
    changed.overview.items[0].text = "主动公开规章1件，制发行政规范性文件5件。"
    (f,) = rule_r7(changed)
    assert f.cells == ("proactive.normative_documents.new_made",) and f.expected == 2
    assert f.where == "表二 规范性文件 × 本年新制作数量"  # the trial table's own label


# ---------------------------------------------------------------- the eight published reports

R7_DATA = REPO / "tests" / "data" / "r7"
REPORTS = sorted(FIXTURES.glob("*.txt"))


@pytest.mark.parametrize("path", REPORTS, ids=[p.stem for p in REPORTS])
def test_published_reports_have_exactly_the_hand_checked_r7_findings(path: Path) -> None:
    expected = json.loads((R7_DATA / f"{path.stem}.json").read_text(encoding="utf-8"))
    report = import_report(path, "fixture").report
    found = [
        {"where": f.where, "cells": list(f.cells), "stated": f.value, "table": f.expected}
        for f in check_report(report)
        if f.rule == "R7"
    ]
    assert found == [
        {k: f[k] for k in ("where", "cells", "stated", "table")} for f in expected["findings"]
    ]
    assert all(f["why"] for f in expected["findings"])
    read = [{"said": c.said, "cells": list(c.target.cells)} for c in read_claims(report)]
    assert read == [{"said": s["said"], "cells": s["cells"]} for s in expected["statements"]]


def test_a_published_report_can_be_wrong_and_r7_says_which_cell() -> None:
    report = import_report(FIXTURES / "07_shuyang_county_gov_2025.txt", "shuyang").report
    first = next(f for f in rule_r7(report) if f.cells == ("requests.new.total",))
    assert first.where == "表三 一、本年新收政府信息公开申请数量 × 总计"
    assert "受理政府信息公开申请 749 件" in first.message and "表格为 713" in first.message
    assert first.message.startswith("一、总体情况 （二）规范化办理依申请公开：")


# ---------------------------------------------------------------- how findings are shown


def test_a_finding_quotes_the_sentence_the_number_the_table_and_the_cell() -> None:
    text = "2024年，我局共收到政府信息公开申请 172 件，其中自然人申请 167 件。全年办结 160 件。"
    f, g = rule_r7(_report(text))
    assert f.where == "表三 一、本年新收政府信息公开申请数量 × 总计" and f.cells == (
        "requests.new.total",
    )
    assert f.message == (
        "一、总体情况 （二）依申请公开：“…我局共收到政府信息公开申请 172 件…”称 172 件，"
        "表格为 170 — 请核对正文与表格，改正有误的一方"
    )
    assert (f.value, f.expected) == (172, 170)
    assert (
        f.extra["sentence"] == "2024年，我局共收到政府信息公开申请 172 件，其中自然人申请 167 件。"
    )
    assert g.where == "表三 一、本年新收政府信息公开申请数量 × 自然人" and g.expected == 168
    assert g.message.startswith("一、总体情况 （二）依申请公开：“…其中自然人申请 167 件”称 167 件")
    json.dumps(f.as_json(), ensure_ascii=False)
    assert {"rule", "severity", "where", "message", "cells", "sentence", "stated"} <= set(
        f.as_json()
    )


def test_shares_amounts_and_uncertain_cells_in_messages() -> None:
    share = _report("予以公开98件，占60.1%。")
    (f,) = rule_r7(share)
    assert (
        f.where
        == "表三 三、本年度办理结果 （一）予以公开 × 总计（占 表三 （七）总计 × 总计 的百分比）"
    )
    assert "称 60.1%，表格为 98 ÷ 160 = 61.25%" in f.message
    assert set(f.cells) == {"requests.granted.total", "requests.total.total"}
    (fee,) = rule_r7(_report("收取行政事业性收费 633.87 万元。", "proactive"))
    assert "表格为 633.8612 万元" in fee.message and fee.where.startswith("表二 行政事业性收费")
    assert rule_r7(_report("收取行政事业性收费 633.86 万元，即 6338612 元。", "proactive")) == []
    unsure = _report("全年办结 161 件。", uncertain=["requests.total.total"])
    (u,) = rule_r7(unsure)
    assert "导入时不确定" in u.message


@pytest.mark.parametrize(
    ("text", "place", "section"),
    [
        ("全年共收到政府信息公开申请 171 件", "requests", 3),
        ("因政府信息公开被申请行政复议 11 件", "five", 4),
        ("作出行政处罚决定 4 件", "intro", 2),
        ("收取信息处理费 5 元", "six", 6),
    ],
)
def test_section_notebooks_place_r7_findings_by_their_cells(
    text: str, place: str, section: int
) -> None:
    from reportkit.render.notebook import section_of

    (f,) = rule_r7(_report(text + "。", place))
    assert section_of(f) == section


def test_the_year_index_shows_r7_findings(tmp_path: Path) -> None:
    from reportkit.batch.index import write_year

    from .test_batch_helpers import make_params

    params = make_params(tmp_path)
    path = params / "a-bureau" / "2024.yaml"
    text = path.read_text(encoding="utf-8")
    stated = re.search(r"本年度收到政府信息公开申请(\d+)件", text)
    assert stated
    path.write_text(
        text.replace(stated.group(0), "本年度收到政府信息公开申请999件"), encoding="utf-8"
    )
    index, _ = write_year(params, tmp_path / "out", 2024)
    page = index.read_text(encoding="utf-8")
    assert "<b>R7</b> 表三 一、本年新收政府信息公开申请数量 × 总计" in page
    assert f"称 999件，表格为 {stated.group(1)}" in page
    assert page.count("<b>R7</b>") == 1


def test_the_readme_documents_the_vocabulary() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert vocabulary_markdown() in readme


def test_a_narrative_finding_shows_in_the_text_section_and_the_table_section() -> None:
    """The analyst sees an R7 finding in the notebook of the text that states the number and in
    the notebook of the table it contradicts."""
    from reportkit.model import parse_report
    from reportkit.model.inputs import Inputs
    from reportkit.render.notebook import section_findings
    from tests.docsamples import seed_data

    from .conftest import SEED_PARAMS

    data = seed_data()
    data["problems"]["intro"] = "本年度共收到政府信息公开申请5件。\n"
    report = parse_report(data)
    inputs = Inputs(SEED_PARAMS, report, (), ())
    r7 = {n: [f for f in section_findings(inputs, n) if f.rule == "R7"] for n in range(1, 7)}
    assert [n for n, found in r7.items() if found] == [3, 5]
