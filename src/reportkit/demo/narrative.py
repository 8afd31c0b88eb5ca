"""The sentences of a demo report: sections 一, 五 and 六, with the counts taken from the tables.

Every count the text states is a table value (R7); section 六 always states the 信息处理费 (R9).
Which fragment a year uses follows a three-year cycle anchored at 2022 (``cycle``), and
``position`` (the agency's place in the district) varies the wording of sections 五 and 六
between agencies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..model import labels as L
from .profiles import Agency
from .tables import RESULT_ROWS, YearTables

#: The first sentence of section 一 in the years that have a particular one.
YEAR_LEAD: dict[int, str] = {
    2021: "2021年是中国共产党成立100周年，也是实施“十四五”规划、开启全面建设社会主义现代化国家新征程的第一年。",
    2022: "2022年是党的二十大胜利召开之年，也是实施“十四五”规划承上启下的重要一年。",
    2023: "2023年是全面贯彻党的二十大精神的开局之年。",
    2024: "2024年是中华人民共和国成立75周年，是实现“十四五”规划目标任务的关键一年。",
    2025: "2025年是“十四五”规划收官之年，也是进一步全面深化改革的重要一年。",
    2026: "2026年是“十五五”规划开局之年。",
}
GENERIC_LEAD = "{y}年是全面贯彻落实党的二十大和二十届历次全会精神、持续深化政务公开的重要一年。"

OUTCOME_GROUPS: tuple[tuple[str, str], ...] = (
    ("予以公开", "granted"),
    ("部分公开", "partially_granted"),
    ("不予公开", "withheld_"),
    ("无法提供", "unavailable_"),
    ("不予处理", "not_processed_"),
    ("其他处理", "other_"),
)
#: A tally (全年办结…) shorter than this stays in the paragraph of its lead even when the two
#: are longer than 200 characters together (never longer than 250).
SHORT_TALLY = 100
COLUMN_NAMES: tuple[str, ...] = (
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他组织",
)


def cycle(year: int) -> int:
    """0, 1 or 2: the year's place in the three-year cycle of fragments (2022 → 0)."""
    return (year - 2022) % 3


def year_lead(year: int) -> str:
    """The first sentence of section 一."""
    return YEAR_LEAD.get(year, GENERIC_LEAD.format(y=year))


def _n(value: int) -> str:
    return f" {value} "


def _join(parts: Sequence[tuple[str, int]]) -> str:
    return "、".join(f"{label}{_n(n)}件" for label, n in parts if n)


def _practice(agency: Agency, year: int) -> str:
    """How requests are handled. The bundled 2022 and 2023 use the fragment as written; every
    other year names itself, so the paragraph never repeats from one year to another."""
    text = agency.texts.practice[cycle(year) % 2]
    return text if year in (2022, 2023) else f"{year}年，{text}"


def request_paragraphs(agency: Agency, year: int, tables: YearTables) -> list[str]:
    """（二）依申请公开: the counts of tables 三 and 四 in words, then how requests are handled."""
    idx = cycle(year)
    req, review = tables.requests, tables.review_litigation
    new, carried = req["new"], req["carried_over"][6]
    legal = _join([(COLUMN_NAMES[c], new[c]) for c in range(1, 6)])
    who = f"其中自然人申请{_n(new[0])}件，法人或其他组织申请{_n(new[6] - new[0])}件（{legal}）"
    if not legal:
        who = "均为自然人申请"
    before = f"另有上年结转申请{_n(carried)}件" if carried else "无上年结转申请"
    leads = (
        f"{year}年，{agency.me}共收到政府信息公开申请{_n(new[6])}件",
        f"{year}年度，{agency.me}新收政府信息公开申请{_n(new[6])}件",
        f"{year}年，{agency.me}受理政府信息公开申请共{_n(new[6])}件",
    )
    first = f"{leads[idx]}，{who}；{before}。{agency.texts.topics}。"
    outcomes = []
    for label, key in OUTCOME_GROUPS:
        keys = [k for k in RESULT_ROWS if k.startswith(key)] if key.endswith("_") else [key]
        outcomes.append((label, sum(req[k][6] for k in keys)))
    forward = req["carried_forward"][6]
    done = f"全年办结{_n(req['total'][6])}件，其中{_join(outcomes)}"
    done += (
        f"；部分申请于年底前收到、尚在法定答复期限内，结转下年度继续办理{_n(forward)}件。"
        if forward
        else "，均在法定期限内答复，无结转下年度办理的申请。"
    )
    rv, ld, la = review["review"], review["litigation_direct"], review["litigation_after_review"]
    if rv[4] or ld[4] or la[4]:
        cases = []
        if rv[4]:
            detail = _join(
                [("结果维持", rv[0]), ("结果纠正", rv[1]), ("其他结果", rv[2]), ("尚未审结", rv[3])]
            )
            cases.append(f"被申请行政复议{_n(rv[4])}件（{detail}）")
        if ld[4] or la[4]:
            detail = _join([("未经复议直接起诉", ld[4]), ("复议后起诉", la[4])])
            cases.append(f"被提起行政诉讼{_n(ld[4] + la[4])}件（{detail}）")
        done += f"因政府信息公开工作{'，'.join(cases)}。"
    else:
        done += "全年未发生因政府信息公开引起的行政复议、行政诉讼案件。"
    practice = _practice(agency, year)
    together = len(first) + len(done)
    if together <= 200 or (len(done) < SHORT_TALLY and together <= 250):
        return [first + done, practice]
    return [first, agency.texts.tally + done, practice]


def overview(
    agency: Agency, year: int, tables: YearTables, numbers: Mapping[str, int]
) -> dict[str, Any]:
    """Section 一 as params data: the intro and the five run-in items.

    ``numbers`` holds the counts only the text states: ``web``, ``wechat``, ``interp``.
    """
    t = agency.texts
    idx = cycle(year)
    pro = tables.proactive
    fill = {
        "y": year,
        "ny": year + 1,
        "licensing": pro["licensing"],
        "penalty": pro["penalty"],
        "enforcement": pro["enforcement"],
        "nd_issued": pro["normative_documents"]["issued"],
        "nd_repealed": pro["normative_documents"]["repealed"],
        "nd_in_force": pro["normative_documents"]["in_force"],
        **numbers,
    }
    platform = t.platform[(idx + 1) % 2].format(**fill)
    items = [
        ("主动公开", [t.proactive.format(**fill) + f"{agency.me}{t.focus[idx]}"]),
        ("依申请公开", request_paragraphs(agency, year, tables)),
        ("政府信息管理", [t.management[idx % 2].format(**fill)]),
        ("政府信息公开平台建设", [platform + t.highlights[idx].format(**fill)]),
        ("监督保障", [t.supervision[idx % 2].format(**fill)]),
    ]
    return {
        "intro": year_lead(year) + t.intro[idx % 2].format(**fill) + "\n",
        "items": [
            {"heading": heading, "text": "\n".join(paras) + "\n", "run_in": True}
            for heading, paras in items
        ],
    }


def problems(agency: Agency, position: int, year: int) -> dict[str, Any]:
    """Section 五: numbered problems, then 一是… improvements."""
    t = agency.texts
    idx = cycle(year)
    count = 2 + idx % 2
    found = [t.problems[(idx + k) % 4] for k in range(count)]
    fixes = [t.improvements[(idx + k) % 4] for k in range(3)]
    turn = (position + idx) % 3
    lead = (
        f"{year}年，{agency.short}政府信息公开工作取得了一定成效，但对照上级要求和群众期待，仍存在一些不足：",
        f"对照《条例》要求和群众期待，{agency.short}{year}年政府信息公开工作还存在以下问题：",
        f"{year}年，{agency.short}在政府信息公开工作中仍存在一些短板和不足，主要表现在：",
    )[turn]
    plan = (
        f"{year + 1}年，{agency.short}将重点从以下方面加以改进：",
        f"针对上述问题，{agency.short}已在{year + 1}年工作中采取以下措施：",
        f"下一步，{agency.short}将聚焦以下几个方面持续改进：",
    )[turn]
    return {
        "subsections": [
            {
                "heading": "（一）存在的主要问题",
                "text": "\n".join([lead, *(f"{k + 1}.{p}" for k, p in enumerate(found))]) + "\n",
            },
            {
                "heading": "（二）改进情况",
                "text": "\n".join(
                    [plan, *(f"{L.cn_number(k + 1)}是{f}" for k, f in enumerate(fixes))]
                )
                + "\n",
            },
        ]
    }


def other_matters(
    agency: Agency, position: int, year: int, numbers: Mapping[str, int]
) -> dict[str, Any]:
    """Section 六: the 信息处理费 statement (R9), and the 建议提案 handled (``npc``, ``cppcc``)."""
    idx = cycle(year)
    fee_texts = (
        f"{year}年，{agency.short}未收取政府信息公开信息处理费。",
        f"本年度{agency.short}依申请提供政府信息，均未收取信息处理费。",
        f"依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），{year}年{agency.short}未收取信息处理费。",
    )
    lines = [fee_texts[(position + idx) % 3]]
    fee: Decimal | None = None
    charged = agency.processing_fee
    if charged is not None and charged.year == year:
        fee = charged.yuan
        lines = [charged.text]
    if "npc" in numbers:
        lines.append(
            f"{year}年，{agency.short}承办区人大代表建议{_n(numbers['npc'])}件、区政协委员提案{_n(numbers['cppcc'])}件，"
            "均已按期办结，办理复文按规定公开。"
        )
    data: dict[str, Any] = {"text": "\n".join(lines) + "\n"}
    if fee is not None:
        data["processing_fee_yuan"] = fee
    return data
