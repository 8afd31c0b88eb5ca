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
        for cand in candidates:
            m = _TITLE.match(cand)
            if not m or len(cand) > 60:
                continue
            agency = (m.group("pre").strip() or m.group("post").strip()).strip("（）() ")
            if not agency and i > 0:
                prev = next((t for t in reversed(texts[:i]) if t), "")
                if prev and len(prev) <= 30 and not re.search(r"\d", prev):
                    agency = prev
                    cand = prev + cand
            return Title(cand, int(m.group("year")), agency)
    return None


def is_date_line(text: str) -> bool:
    """``2024年1月17日`` or ``(2026年1月23日)`` — a signature date."""
    return bool(_DATE.match(text.strip()))


def detect_format(table2_text: str, table3_text: str) -> tuple[Format, str]:
    """2021 or the 2019 trial format, from the table structure, and why."""
    t2 = cjk_key(table2_text)
    t3 = cjk_key(table3_text)
    if any(w in t2 for w in ("本年新制作数量", "对外公开总数量", "上一年项目数量")):
        return "2019-trial", "table 二 has the 2019 trial columns (本年新制作数量 …)"
    if any(w in t3 for w in ("逾期不补正", "缴纳费用", "收费通知")):
        return "2021", "table 三 has the 2021 rows under （六）其他处理"
    if "其他处理" in t3:
        return "2019-trial", "table 三 has （六）其他处理 as one row"
    return "2021", "no trial-format structure found"
