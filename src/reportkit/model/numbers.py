"""Numbers as people write them: reportkit's rules for counts and amounts, not YAML 1.1's.

PyYAML follows YAML 1.1, where ``010`` is octal (8), ``1:30`` sexagesimal (90), ``0x1F``
hexadecimal (31) and ``1_000`` is 1000: a params file could print a number its author never
wrote, with ``check`` clean. Params files (:mod:`.yamlfile`), the importer and ledgers read
numbers through :func:`read_number` instead, with one set of rules:

- ``12``, ``+12``: a whole number (``int``); ``633.8612``, ``.5``: an exact decimal
  (:class:`~decimal.Decimal`);
- negative zero is zero: ``-0`` → 0, ``-0.0`` → 0.0 (never printed as ``-0.0``);
- everything else that YAML 1.1 or 1.2 would read as a number is **rejected**, never converted:
  leading zeros (``010``: octal in YAML 1.1, ten to most people, and ``[1,000]`` in a row is
  really ``1`` and ``000``), digit-group separators (``1_000``), hexadecimal (``0x1F``), octal
  (``0o17``), binary (``0b101``), sexagesimal (``1:30``), exponents (``1e3``, ``1.0e+3``), a
  trailing point (``5.``), ``.inf`` and ``.nan``. Such a value comes back as an
  :class:`OddNumber` (text), so that a text field keeps it as written and a number field
  rejects it with a message that says what the form means and what to write instead.

Plausibility (the model's bounds, :data:`MAX_COUNT`, :data:`MAX_AMOUNT`): no agency decides
a billion cases a year, and no fee is finer than one 分.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MAX_COUNT = 999_999_999  # a count above this is a typo or a pasted identifier, not a count
MAX_AMOUNT = Decimal(999_999_999)  # 万元 or 元; above this is not a fee
FEE_10K_YUAN_PLACES = 6  # 万元 to the 分 (0.000001 万元 = 0.01 元)
FEE_YUAN_PLACES = 2  # 元 to the 分

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)?\.[0-9]+")
# What YAML 1.1 (PyYAML's int and float resolvers) or YAML 1.2 would read as a number,
# plus leading-zero forms YAML 1.1 leaves as text (08, 09): the scalars reportkit reads itself.
NUMBERISH = re.compile(
    r"""^(?:
        [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?
      | [-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?
      | [-+]?0[xX][0-9a-fA-F_]+ | [-+]?0[oO][0-7_]+ | [-+]?0[bB][01_]+
      | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
    )$""",
    re.VERBOSE,
)
NUMBER_FIRST_CHARS = "-+.0123456789"


class OddNumber(str):
    """A scalar that looks like a number but is written in a form reportkit does not read.

    It is text (a text field keeps it as written); ``problem`` says what the form is and
    ``fix`` what to write in a number field instead.
    """

    problem: str
    fix: str

    def __new__(cls, text: str, problem: str, fix: str) -> OddNumber:
        self = super().__new__(cls, text)
        self.problem = problem
        self.fix = fix
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (OddNumber, (str(self), self.problem, self.fix))


def _odd(text: str) -> OddNumber:
    """Why ``text`` (numberish, not plain) is not read, and what to write."""
    body = text.lstrip("+-")
    sign = "-" if text.startswith("-") else ""
    lower = body.lower()
    if lower in (".inf", ".nan"):
        what = "infinity" if lower == ".inf" else "'not a number'"
        return OddNumber(text, f"is YAML's {what}, not a count or amount", "write the number")
    if lower.startswith(("0x", "0o", "0b")):
        base, name = {"x": (16, "hexadecimal"), "o": (8, "octal"), "b": (2, "binary")}[lower[1]]
        decimal = f"{sign}{int(body[2:].replace('_', '') or '0', base)}"
        return OddNumber(
            text,
            f"is {'an' if name == 'octal' else 'a'} {name} number ({decimal} in decimal)",
            f"reportkit reads decimal digits only: write {decimal} if that is the number",
        )
    head, _, tail = body.partition(".")
    parts = head.replace("_", "").split(":")
    if len(parts) > 1 and all(p.isascii() and p.isdigit() for p in parts if p):
        value = 0
        for part in parts:
            value = value * 60 + int(part or "0")
        return OddNumber(
            text,
            f"is a sexagesimal (base-60) number, which YAML 1.1 reads as {sign}{value}"
            + (f".{tail}" if tail else ""),
            "write the number as plain decimal digits, or quote it if it is text (e.g. a time)",
        )
    if "_" in body:
        plain = text.replace("_", "")
        return OddNumber(
            text,
            "has digit-group separators '_'",
            f"write the digits without separators, e.g. {plain}",
        )
    if "e" in lower:
        try:
            full = format(Decimal(text.replace("_", "")), "f")
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
            full = "the digits"
        return OddNumber(
            text,
            "is in exponent (scientific) notation",
            f"write the number out in full: {full}",
        )
    if body.endswith("."):
        return OddNumber(
            text,
            "ends with a decimal point",
            f"write {text[:-1]} (a whole number) or {text}0",
        )
    if re.fullmatch(r"0[0-9]+(?:\.[0-9]*)?", body):
        stripped = sign + (body.lstrip("0") or "0")
        if stripped.lstrip("-").startswith("."):
            stripped = stripped.replace(".", "0.", 1)
        octal = (
            f"; YAML 1.1 would read it as octal {sign}{int(body, 8)}"
            if re.fullmatch(r"0[0-7]+", body)
            else ""
        )
        return OddNumber(
            text,
            f"has a leading zero{octal}",
            f"write {stripped} if that is the number"
            + (
                "; in a row [...], a thousands separator splits a number in two "
                "([1,000] is 1 and 000): write 1000"
                if re.fullmatch(r"0[0-9]{2}", body)
                else ""
            ),
        )
    return OddNumber(text, "is not a plain decimal number", "write digits, e.g. 12 or 633.8612")


def read_number(text: str) -> int | Decimal | OddNumber:
    """A scalar written as a number, by reportkit's rules (see the module docstring).

    ``"12"`` → 12, ``"633.8612"`` → ``Decimal("633.8612")``, ``"-0.0"`` → ``Decimal("0.0")``;
    any other numeric-looking form → an :class:`OddNumber` saying why it is not read. ``text``
    that does not look like a number at all is returned as an :class:`OddNumber` too.
    """
    stripped = text.strip()
    if _INT.fullmatch(stripped):
        return int(stripped)
    if _DECIMAL.fullmatch(stripped):
        try:
            value = Decimal(stripped)
        except InvalidOperation:  # pragma: no cover - guarded by the pattern
            return _odd(stripped)
        return value.copy_abs() if value.is_zero() else value
    return _odd(stripped)


def no_negative_zero(value: Decimal) -> Decimal:
    """``Decimal("-0.0")`` → ``Decimal("0.0")``; any other value unchanged."""
    return value.copy_abs() if value.is_zero() else value
