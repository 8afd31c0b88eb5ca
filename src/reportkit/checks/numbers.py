"""Numbers as people write them in a report's text, with their unit: for R7.

What is read (each followed by a unit, see below):

- Arabic digits, half- or full-width (``170``, ``１７０``), with thousands separators
  (``1,171``, ``1，171``, ``1 171``) and decimals (``633.8612``, ``76．6``);
- Chinese numerals (``两``, ``十二``, ``一百七十一``, ``一千零五``, ``壹佰柒拾壹``; decimals with
  ``点``: ``七十六点六``), read by :mod:`cn2an`;
- a magnitude after Arabic digits: ``1.2万件`` is 12,000 requests written to the nearest 1,000;
- spaces (also full-width and no-break) between the number and its unit: ``170 件``.

Units: a count (``件``, ``宗``, ``例``, ``起``; ``个`` after Arabic digits), an amount in
``元`` or ``万元``, or a percentage (``%``, ``％``, ``百分之…``).

A number written with a word of approximation — before it (约、近、超过、逾、不足 …), between it
and its unit (``余``, ``多``) or after (``以上``, ``左右`` …) — is read but marked
``approximate``; R7 never compares such a number.

How a stated number agrees with a table value (:meth:`Stated.agrees`): it is the table value
rounded (half up) or cut to the digits written (``step``). So an integer count must be equal;
``633.86万元`` agrees with 633.8612 万元 and ``633.87万元`` does not; ``4.34%`` and ``4.35%`` both
agree with 4.3478 %.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

Kind = Literal["count", "yuan", "percent"]

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")
_CN_DIGITS = "〇零一二两三四五六七八九壹贰叁肆伍陆柒捌玖兩貳"
_CN_UNITS = "十百千万亿拾佰仟萬億"
_CN_DIGIT_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}

_D = "[0-9０-９]"
_ARABIC = rf"(?:{_D}{{1,3}}(?:[,， \u2009\u00a0]{_D}{{3}})+(?!{_D})|{_D}+)(?:[.．]{_D}+)?"
_CHINESE = rf"[{_CN_DIGITS}{_CN_UNITS}]+(?:点[{_CN_DIGITS}]+)?"
_SPACE = r"[ \t\u3000\u00a0\u2009]*"
_APPROX_BEFORE = re.compile(r"(?:约|近|超过|超|逾|大约|将近|接近|不足|不到|多达)\s*$")
_APPROX_AFTER = re.compile(r"(?:以上|左右|上下|以下|之多|有余)")
#: A count unit must not be the start of a longer word (一件事, 起诉, 个人 …).
_COUNT_UNIT = r"(?:件(?![事套])|宗|例(?!如)|起(?![诉草始步点来算])|个(?![人别性月百]))"

NUMBER = re.compile(
    rf"(?<![0-9０-９.．A-Za-z])(?P<arabic>{_ARABIC})(?P<mag>[万亿])?"
    rf"|(?P<chinese>{_CHINESE})"
)
_AFTER_NUMBER = re.compile(
    rf"{_SPACE}(?P<approx>余|多|来)?{_SPACE}"
    rf"(?:(?P<count>{_COUNT_UNIT})|(?P<yuan>万元|元)|(?P<percent>[%％]))"
)
_PERCENT_WORDS = re.compile(rf"百分之(?P<number>{_ARABIC}|{_CHINESE})")


@dataclass(frozen=True)
class Stated:
    """A number stated in the text, with its unit.

    ``value`` is in the unit's base (a count, 元, or percent), ``step`` the place of the last
    digit written in that base (1 for ``170 件``; 100 for ``633.86万元``; 0.01 for ``17.46%``);
    ``start``/``end`` locate ``text`` (number and unit as written) in the sentence searched.
    """

    text: str
    value: Decimal
    step: Decimal
    kind: Kind
    approximate: bool
    start: int
    end: int

    def agrees(self, actual: Decimal | int) -> bool:
        """True when ``actual`` (same base), rounded half up or cut to ``step``, is this number."""
        units = Decimal(actual) / self.step
        return any(
            units.quantize(Decimal(1), rounding) * self.step == self.value
            for rounding in (ROUND_HALF_UP, ROUND_DOWN)
        )


def read_arabic(text: str) -> tuple[Decimal, Decimal]:
    """``"1,171"`` → (1171, 1); ``"633.8612"`` → (633.8612, 0.0001). Raises ValueError."""
    plain = re.sub(r"[,\s]", "", text.translate(_FULL_WIDTH))
    try:
        value = Decimal(plain)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    places = len(plain.partition(".")[2])
    return value, Decimal(1).scaleb(-places)


def read_chinese(text: str) -> tuple[Decimal, Decimal]:
    """``"一百七十一"`` → (171, 1); ``"七十六点六"`` → (76.6, 0.1); ``"十二万"`` → (120000, 10000).

    Digit strings without a unit (``"一一"``, ``"二〇二四"``) are not counts and raise
    ValueError, as does anything :mod:`cn2an` cannot read.
    """
    import cn2an  # on the first Chinese numeral, not with reportkit.checks: it builds tables

    whole, _, frac = text.partition("点")
    if len(whole) > 1 and not any(u in whole for u in _CN_UNITS):
        raise ValueError(f"not a Chinese count: {text!r}")
    try:
        value = Decimal(int(cn2an.cn2an(whole, "normal")))
    except (ValueError, TypeError, KeyError, IndexError):
        raise ValueError(f"not a Chinese numeral: {text!r}") from None
    step = Decimal(1)
    if frac:
        digits = [_CN_DIGIT_VALUE.get(c) for c in frac]
        if any(d is None for d in digits):
            raise ValueError(f"not a Chinese numeral: {text!r}")
        value += Decimal("0." + "".join(str(d) for d in digits))
        step = Decimal(1).scaleb(-len(frac))
    elif whole.endswith(("万", "萬")):
        step = Decimal(10_000)
    elif whole.endswith(("亿", "億")):
        step = Decimal(100_000_000)
    return value, step


def _chinese_at(text: str, start: int, end: int) -> tuple[int, Decimal, Decimal] | None:
    """The longest readable Chinese numeral ending at ``end`` (唯一一件 → 一)."""
    for s in range(start, end):
        try:
            value, step = read_chinese(text[s:end])
        except ValueError:
            continue
        return s, value, step
    return None


def find_numbers(text: str) -> list[Stated]:
    """Every number with a unit in ``text``, in order (numbers without a unit are skipped)."""
    out: list[Stated] = []
    for m in _PERCENT_WORDS.finditer(text):
        raw = m.group("number")
        try:
            value, step = (read_chinese if raw[0] in _CN_DIGITS + _CN_UNITS else read_arabic)(raw)
        except ValueError:
            continue
        approx = bool(_APPROX_BEFORE.search(text[: m.start()]))
        out.append(Stated(m.group(0), value, step, "percent", approx, m.start(), m.end()))
    taken = [(s.start, s.end) for s in out]
    for m in NUMBER.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        unit = _AFTER_NUMBER.match(text, m.end())
        if unit is None:
            continue
        start = m.start()
        if m.group("arabic"):
            if text[start - 1 : start] == "第":
                continue
            value, step = read_arabic(m.group("arabic"))
            if m.group("mag"):
                scale = Decimal(10_000 if m.group("mag") == "万" else 100_000_000)
                value, step = value * scale, step * scale
        else:
            found = _chinese_at(text, start, m.end())
            if found is None or unit.group("count") == "个":
                continue
            start, value, step = found
            word = text[start : m.end()]
            if text[start - 1 : start] == "第" or (word in "一两" and unit.group("count") == "起"):
                continue
        kind: Kind = "count"
        if unit.group("yuan"):
            kind = "yuan"
            if unit.group("yuan") == "万元":
                value, step = value * 10_000, step * 10_000
        elif unit.group("percent"):
            kind = "percent"
        approx = bool(
            unit.group("approx")
            or _APPROX_BEFORE.search(text[max(0, start - 4) : start])
            or _APPROX_AFTER.match(text, unit.end())
        )
        out.append(Stated(text[start : unit.end()], value, step, kind, approx, start, unit.end()))
    return sorted(out, key=lambda s: s.start)
