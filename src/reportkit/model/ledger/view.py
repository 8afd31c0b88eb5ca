"""What one report year takes from a ledger file: counts only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class YearView:
    """What one year takes from a ledger: its table rows and the counts behind them.

    ``rows``: the table's rows (表三 row key → 7 numbers, or 表四 group → 5 numbers).
    ``used``: the rows of the file the year counts, by why (``received``, ``carried_over`` …).
    ``ignored``: rows of earlier years the year does not count (``finished_before``).
    ``monthly``: applications received in each month of the year (ledger only; 12 numbers).
    Counts only: nothing here can name an applicant.
    """

    rows: dict[str, list[int]]
    used: dict[str, int]
    ignored: dict[str, int]
    monthly: tuple[int, ...] = ()
