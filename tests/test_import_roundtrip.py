"""Round trip: a rendered report, as HTML or as the text a browser copy gives, imports back to
the same tables and narrative (hypothesis over random valid reports)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportkit.importer import import_report, import_text
from reportkit.model import Report, paragraphs
from reportkit.model import labels as L
from reportkit.model.export import normalized
from reportkit.model.params import load_report
from reportkit.render.sections import report_body_html

from .conftest import normalized_narrative
from .reporttext import browser_text

SEED = load_report(
    Path(__file__).resolve().parents[1] / "params" / "xigong-education" / "2024.yaml"
)

cells = st.one_of(st.integers(0, 99_999), st.integers(0, 9), st.none(), st.just("/"))
counts = st.one_of(st.integers(0, 5_000), st.none())
signed = st.one_of(st.integers(-500, 500), st.none())
money = st.decimals(0, 999_999, places=4, allow_nan=False, allow_infinity=False)
_WORDS = "政府信息公开工作年度报告主动依申请平台建设监督保障我局全年共计件条项目管理制度规范教育“”《》、，"
_STOPS = "。：；！？"
phrase = st.text(alphabet=_WORDS + "0123456789 ", min_size=1, max_size=30).filter(
    lambda t: t.strip() != "" and t.strip()[0] not in "（(#-*•"
)
sentence = st.one_of(
    st.sampled_from(
        ["无", "一是强化认识，规范程序。", "依法依规办理行政许可 284 件，其中（含上年结转 3 件）。"]
    ),
    st.builds(lambda a, stop: a.strip() + stop, phrase, st.sampled_from([*_STOPS, ""])),
)
text = st.lists(sentence, min_size=1, max_size=3).map(lambda xs: "".join(x + "\n" for x in xs))
# an opening paragraph as reports print them: a sentence (or two) citing the law
preamble = st.lists(
    st.builds(
        lambda a, b: (
            f"根据《中华人民共和国政府信息公开条例》要求，{a.strip()}编制本报告{b.strip()}。"
        ),
        phrase,
        phrase,
    ),
    min_size=1,
    max_size=2,
).map(lambda xs: "".join(x + "\n" for x in xs))
item_heading = st.one_of(
    st.sampled_from([*L.OVERVIEW_ITEMS, "主动公开方面", "平台建设情况"]),
    st.text(alphabet=_WORDS.replace("，", "").replace("、", ""), min_size=1, max_size=20),
)
sub_heading = st.one_of(
    st.sampled_from(["(一) 存在的主要问题", "（二）改进情况", "（一）主要问题", "(二) 改进措施"]),
    st.builds(
        lambda n, t: f"（{n}）{t}",
        st.sampled_from("一二三四"),
        st.text(alphabet=_WORDS.replace("，", ""), min_size=1, max_size=20),
    ),
)


@st.composite
def reports(draw: st.DrawFn) -> Report:
    fmt = draw(st.sampled_from(L.FORMATS))
    data: dict[str, Any] = SEED.model_dump()
    data.pop("title")
    data["format"] = fmt
    data["year"] = draw(st.integers(2019, 2030))
    data["requests"] = {
        key: draw(st.lists(cells, min_size=7, max_size=7)) for key in L.request_row_keys(fmt)
    }
    data["review_litigation"] = {
        g: draw(st.lists(cells, min_size=5, max_size=5)) for g in L.REVIEW_GROUPS
    }
    if fmt == "2021":
        data["proactive"] = {
            **{k: {c: draw(counts) for c in L.DOC_COLUMNS} for k in L.DOC_ROWS},
            **{k: draw(counts) for k in L.DECISION_ROWS},
            "fees_10k_yuan": draw(st.one_of(money, st.none())),
        }
    else:
        items = {"previous_count": counts, "change": signed, "decisions": counts}
        data["proactive"] = {
            **{k: {c: draw(counts) for c in L.TRIAL_DOC_COLUMNS} for k in L.TRIAL_DOC_ROWS},
            **{k: {c: draw(s) for c, s in items.items()} for k in L.TRIAL_ITEM_ROWS},
            "fees": {"previous_count": draw(counts), "change": draw(signed)},
            "procurement": {
                "projects": draw(counts),
                "amount": draw(st.sampled_from(["251000元", None])),
            },
        }
    data["preamble"] = draw(st.one_of(st.just(""), preamble))
    n_items = draw(st.integers(0, 5))
    data["overview"] = {
        "intro": draw(text),
        "items": [
            {"heading": draw(item_heading), "text": draw(text), "run_in": draw(st.booleans())}
            for _ in range(n_items)
        ],
    }
    data["problems"] = {
        "intro": draw(st.one_of(st.just(""), text)),
        "subsections": [
            {"heading": h, "text": draw(text)}
            for h in draw(st.lists(sub_heading, max_size=2, unique=True))
        ],
    }
    data["other_matters"] = {"text": draw(text)}
    return Report.model_validate(data)


def _tables(report: Report) -> dict[str, Any]:
    data = normalized(report)
    data.pop("agency")
    return data


def _assert_round_trip(report: Report, source: str) -> None:
    result = import_text(source, report.agency.id)
    assert result.uncertain == []
    assert _tables(result.report) == _tables(report)
    assert result.report.proactive == report.proactive
    assert result.report.requests == report.requests
    assert normalized_narrative(result.report) == normalized_narrative(report)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_rendered_html_imports_back(report: Report) -> None:
    _assert_round_trip(report, report_body_html(report))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_browser_copy_of_rendered_html_imports_back(report: Report) -> None:
    _assert_round_trip(report, browser_text(report_body_html(report)))


def test_seed_round_trips_through_html() -> None:
    _assert_round_trip(SEED, report_body_html(SEED))
    _assert_round_trip(SEED, browser_text(report_body_html(SEED)))


def test_fee_decimal_keeps_its_places() -> None:
    data = SEED.model_dump()
    data["proactive"]["fees_10k_yuan"] = Decimal("12.3400")
    report = Report.model_validate(data)
    result = import_text(report_body_html(report), "xigong-education")
    assert str(result.report.proactive.fees_10k_yuan) == "12.3400"  # type: ignore[union-attr]


def test_saved_gbk_page_with_site_chrome_imports_like_the_report(tmp_path: Path) -> None:
    """A page saved from a government site: GBK, a navigation bar, scripts, Word-style cells."""
    body = (
        report_body_html(SEED)
        .replace("<td", "<td style='mso-x'")
        .replace("</td>", "<o:p></o:p></td>")
    )
    page = (
        '<html><head><meta charset="gbk"><title>年报</title>'
        "<script>var x = '一、总体情况';</script></head><body>"
        '<div class="nav">首页 &gt; 政府信息公开 &gt; 年度报告</div>'
        f"{body}<div class='foot'>主办单位：西工区人民政府&nbsp;</div></body></html>"
    )
    saved = tmp_path / "page.html"
    saved.write_bytes(page.encode("gbk"))
    result = import_report(saved, "xigong-education")
    assert result.encoding == "gb18030" and result.uncertain == []
    assert _tables(result.report) == _tables(SEED)
    # the site footer after section 六 is read as part of it (a reader can delete it)
    assert normalized_narrative(result.report) | {"other": []} == normalized_narrative(SEED) | {
        "other": []
    }
    assert paragraphs(result.report.other_matters.text)[0] == "无"
