"""What the text says about itself: title, year, agency, format."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model.labels import Format
from .lines import cjk_key

_TITLE = re.compile(
    r"^(?P<pre>.*?)(?P<year>(?:19|20)\d{2})\s*年\s*(?:度)?\s*(?P<post>.*?)"
    r"政府信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)"
)
_PREFIX = re.compile(r"^\s*(?:#+\s*)?(?:标题|名称|题目)\s*[:：]\s*")
_DATE = re.compile(r"^[（(]?\s*(\d{4})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[）)]?$")


@dataclass(frozen=True)
class Title:
    """The report's title as printed, and the year and agency read from it."""

    text: str
    year: int
    agency: str
    lines: tuple[int, ...] = ()  # the indexes of the lines it was read from


def _clean(line: str) -> str:
    return _PREFIX.sub("", line.strip().lstrip("#").strip()).strip()


def find_title(lines: list[str]) -> Title | None:
    """The first line (or two wrapped lines) naming ``<agency><year>年…政府信息公开…报告``."""
    texts = [_clean(x) for x in lines[:60]]
    for i, text in enumerate(texts):
        if not text or ("政府信息公开" not in text and "年度报告" not in text):
            continue
        candidates = [text]
        if i + 1 < len(texts) and texts[i + 1]:
            candidates.append(text + texts[i + 1])
        for n, cand in enumerate(candidates):
            m = _TITLE.match(cand)
            if not m or len(cand) > 60:
                continue
            used = [i, i + 1][: n + 1]
            agency = (m.group("pre").strip() or m.group("post").strip()).strip("（）() ")
            if not agency and i > 0:
                j = next((k for k in range(i - 1, -1, -1) if texts[k]), None)
                prev = texts[j] if j is not None else ""
                if j is not None and prev and len(prev) <= 30 and not re.search(r"\d", prev):
                    agency = prev
                    cand = prev + cand
                    used.insert(0, j)
            return Title(cand, int(m.group("year")), agency, tuple(used))
    return None


def is_date_line(text: str) -> bool:
    """``2024年1月17日`` or ``(2026年1月23日)`` — a signature date."""
    return bool(_DATE.match(text.strip()))


_BYLINE = re.compile(r"^([^。，；：:]{2,40}?)\s+((\d{4})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)$")


def byline_date(text: str) -> str | None:
    """The date of a byline under the title, ``青禾区人力资源和社会保障局  2025年1月14日``
    (the issuing agency and the date on one line, as reportkit prints them), else None."""
    m = _BYLINE.match(text.strip())
    return re.sub(r"\s+", "", m.group(2)) if m else None


# table 二's column headings and rows: each belongs to one format only
_T2_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额")
_T2_TRIAL = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增减",
    "其他对外管理服务事项",
    "政府集中采购",
    "采购项目数量",
)
# the three sub-rows of （六）其他处理, printed in the 2021 format only
_T3_OTHER_ROWS = ("逾期不补正", "缴纳费用", "收费通知")
FIRST_2021_YEAR = 2021  # 国办公开办函〔2021〕30号 applies from the 2021 reports on


@dataclass(frozen=True)
class FormatChoice:
    """The format import follows, why, and what disagreed (empty when nothing did)."""

    format: Format
    why: str
    conflict: str = ""

    def line(self) -> str:
        """One line for the user: the format, its reason, and the disagreement if any."""
        text = f"format {self.format}: {self.why}"
        return f"{text}; {self.conflict}" if self.conflict else text


def detect_format(table2_text: str, table3_text: str, year: int | None = None) -> FormatChoice:
    """2021 or the 2019 trial format, weighing every signal.

    In order of trust: table 二's column headings (the two formats share none, so they cannot
    be misread), the three sub-rows of table 三's （六）其他处理 (the trial format has one
    row), then the year (the 2021 format is used from the 2021 reports on). Table 三 printing
    （六） as one row is the weakest: 2021 reports print it merged too. The signals that
    disagree with the choice are named in ``conflict``; values are never moved between the
    formats' columns — cells that do not fit the format followed are flagged where read.
    """
    t2 = cjk_key(table2_text)
    t3 = cjk_key(table3_text)
    hits_2021 = [w for w in _T2_2021 if w in t2]
    hits_trial = [w for w in _T2_TRIAL if w in t2]
    by_t2: Format | None = None
    if hits_2021 and not hits_trial:
        by_t2 = "2021"
    elif hits_trial and not hits_2021:
        by_t2 = "2019-trial"
    three_rows = any(w in t3 for w in _T3_OTHER_ROWS)
    one_row = not three_rows and "其他处理" in t3
    by_year: Format | None = None
    if year is not None:
        by_year = "2021" if year >= FIRST_2021_YEAR else "2019-trial"

    signals: list[tuple[Format, str]] = []
    if by_t2 == "2021":
        signals.append(("2021", f"table 二 has the 2021 columns ({'、'.join(hits_2021[:3])})"))
    elif by_t2 == "2019-trial":
        signals.append(
            ("2019-trial", f"table 二 has the 2019 trial columns ({'、'.join(hits_trial[:3])})")
        )
    if three_rows:
        signals.append(("2021", "table 三 has the three rows under （六）其他处理"))
    if by_year is not None:
        signals.append((by_year, f"the year {year} is {_era(by_year)}"))
    if one_row:
        signals.append(("2019-trial", "table 三 prints （六）其他处理 as one row"))
    if not signals:
        return FormatChoice("2021", "no signal of the 2019 trial format found")
    chosen, why = signals[0]
    against = [reason for fmt, reason in signals[1:] if fmt != chosen]
    if hits_2021 and hits_trial:
        against.insert(
            0,
            f"table 二 mixes the columns of both formats ({'、'.join([*hits_2021, *hits_trial][:4])})",
        )
    conflict = ""
    if against:
        conflict = (
            f"but {'; '.join(against)} — followed the first, which cannot be misread; "
            "cells that do not fit it are flagged"
        )
    return FormatChoice(chosen, why, conflict)


def _era(fmt: Format) -> str:
    if fmt == "2021":
        return "in the 2021 format's time (国办公开办函〔2021〕30号)"
    return "in the 2019 trial format's time (国办公开办函〔2019〕60号)"
