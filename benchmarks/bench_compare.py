"""How good and how fast is ``reportkit compare``? Prints figures; asserts nothing.

1. **The character diff**: diff-match-patch with its semantic clean-up (what
   :func:`reportkit.compare.text.char_diff` uses) against :mod:`difflib`, both on folded text:

   - real rewrites: the paragraphs of the real 平潭综合实验区 2023 and 2024 reports (imported
     from ``../shared/fixtures/reports``) and of the demo district's consecutive years, paired
     under the same heading when difflib's ratio is 0.3–0.99 — how many characters each counts as
     unchanged (what the unchanged share adds up), into how many marked fragments it cuts the
     paragraph, and where their similarities fall around the pairing threshold
     (:data:`reportkit.compare.align.SIMILAR`);
   - synthetic edits of the demo paragraphs, the truth known (one to three runs replaced,
     inserted or deleted): how far the number of characters marked as new is from the number
     really new, and the fragments per paragraph.

2. **Speed**: one comparison (:func:`~reportkit.compare.compare_files`, then the page), and the
   batch step (:func:`reportkit.batch.comparisons.write_comparisons`) over a district made by
   ``reportkit demo --agencies N --years 2022-2024``: first run (every page written) and a
   no-change rerun.

    .venv/bin/python benchmarks/bench_compare.py [--agencies 50] [--edits 2000]
"""

from __future__ import annotations

import argparse
import difflib
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from reportkit.batch.comparisons import write_comparisons
from reportkit.batch.discover import discover
from reportkit.compare import compare_files
from reportkit.compare.align import Narrative, narrative
from reportkit.compare.page import comparison_html
from reportkit.compare.text import Folded, char_diff, fold
from reportkit.importer import import_report
from reportkit.model import Report
from reportkit.model.params import load_report

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO.parent / "shared" / "fixtures" / "reports"
PINGTAN = {2023: "06_pingtan_zonghe_shiyanqu_2023.txt", 2024: "05_pingtan_zonghe_shiyanqu_2024.txt"}


def difflib_marks(a: Folded, b: Folded) -> tuple[int, int, int]:
    """(unchanged characters, fragments, characters marked new) by difflib."""
    ops = difflib.SequenceMatcher(None, a.folded, b.folded, autojunk=False).get_opcodes()
    same = sum(i2 - i1 for op, i1, i2, _, _ in ops if op == "equal")
    fragments = sum(op != "equal" for op, *_ in ops)
    new = sum(j2 - j1 for op, _, _, j1, j2 in ops if op in ("replace", "insert"))
    return same, fragments, new


def dmp_marks(a: Folded, b: Folded) -> tuple[int, int, int]:
    """(unchanged characters, fragments, characters marked new) by reportkit's char_diff."""
    diff = char_diff(a, b)
    fragments = 0
    previous = "equal"
    for segment in diff.segments:
        if segment.kind != "equal" and previous == "equal":
            fragments += 1
        previous = segment.kind
    new = sum(s.size for s in diff.segments if s.kind == "insert")
    return diff.same, fragments, new


def rewritten_pairs(old: Narrative, new: Narrative) -> Iterator[tuple[Folded, Folded]]:
    """Paragraphs under the same heading that resemble each other but are not the same."""
    for q in new.paragraphs:
        best, ratio = None, 0.0
        for p in old.paragraphs:
            if (p.section, old.headings[(p.section, p.block)]) != (
                q.section,
                new.headings[(q.section, q.block)],
            ):
                continue
            r = difflib.SequenceMatcher(None, p.text.folded, q.text.folded, autojunk=False).ratio()
            if r > ratio:
                best, ratio = p, r
        if best is not None and 0.3 <= ratio < 0.99:
            yield best.text, q.text


def real_rewrites() -> None:
    print("1a. rewritten paragraphs (same heading, difflib ratio 0.3–0.99)")
    reports: list[tuple[str, Report, Report]] = []
    if all((FIXTURES / name).is_file() for name in PINGTAN.values()):
        pingtan = {y: import_report(FIXTURES / n, "pingtan").report for y, n in PINGTAN.items()}
        reports.append(("平潭 2023→2024 (real)", pingtan[2023], pingtan[2024]))
    for folder in sorted((REPO / "params").glob("qinghe-*")):
        for year in (2023, 2024):
            reports.append(
                (
                    f"{folder.name} {year - 1}→{year}",
                    load_report(folder / f"{year - 1}.yaml"),
                    load_report(folder / f"{year}.yaml"),
                )
            )
    print(f"   {'pair':<38} {'chars':>6} {'difflib same/frag':>18} {'dmp same/frag':>14}")
    totals = [0, 0, 0, 0, 0]
    similarities: list[float] = []
    for name, old, new in reports:
        for a, b in rewritten_pairs(narrative(old), narrative(new)):
            similarities.append(char_diff(a, b).similarity)
            d_same, d_frag, _ = difflib_marks(a, b)
            m_same, m_frag, _ = dmp_marks(a, b)
            if name.startswith("平潭"):
                print(f"   {name:<38} {len(b):>6} {d_same:>11}/{d_frag:<6} {m_same:>8}/{m_frag:<5}")
            for k, v in enumerate((len(b), d_same, d_frag, m_same, m_frag)):
                totals[k] += v
    chars, d_same, d_frag, m_same, m_frag = totals
    print(
        f"   all {len(reports)} report pairs: {chars} characters; unchanged difflib {d_same} "
        f"({d_same / chars:.1%}), diff-match-patch {m_same} ({m_same / chars:.1%}); "
        f"fragments difflib {d_frag}, diff-match-patch {m_frag}"
    )
    below = sum(s < 0.45 for s in similarities)
    near = sum(0.45 <= s < 0.55 for s in similarities)
    print(
        f"   similarity of these {len(similarities)} pairs (reportkit's, 2·same/total): "
        f"{below} below 0.45, {near} within 0.45–0.55, {len(similarities) - below - near} "
        f"from 0.55 (the threshold SIMILAR is 0.5)"
    )


def corpus() -> list[str]:
    found = []
    for path in sorted((REPO / "params").glob("qinghe-*/*.yaml")):
        found += [p.text.text for p in narrative(load_report(path)).paragraphs if len(p.text) > 30]
    return found


def synthetic_edits(n: int) -> None:
    print(f"1b. synthetic edits of demo paragraphs ({n}, seed 1)")
    paragraphs = corpus()
    rng = random.Random(1)
    marks: dict[str, Callable[[Folded, Folded], tuple[int, int, int]]] = {
        "difflib": difflib_marks,
        "diff-match-patch": dmp_marks,
    }
    error = dict.fromkeys(marks, 0)
    fragments = dict.fromkeys(marks, 0)
    truth_total = 0
    for _ in range(n):
        text = rng.choice(paragraphs)
        pieces = [(c, False) for c in text]
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(("replace", "insert", "delete"))
            source = rng.choice(paragraphs)
            start = rng.randrange(max(1, len(source) - 8))
            run = [(c, True) for c in source[start : start + rng.randint(2, 12)]]
            at = rng.randrange(len(pieces))
            width = 0 if kind == "insert" else rng.randint(2, 10)
            pieces[at : at + width] = [] if kind == "delete" else run
        edited = "".join(c for c, _ in pieces)
        truth = sum(fold(c).folded != "" for c, new in pieces if new)
        truth_total += truth
        a, b = fold(text), fold(edited)
        for name, fn in marks.items():
            _, frag, marked = fn(a, b)
            error[name] += abs(marked - truth)
            fragments[name] += frag
    print(f"   characters really new per paragraph: {truth_total / n:.2f}")
    for name in marks:
        print(
            f"   {name:<17} |marked new − really new| {error[name] / n:.2f} chars, "
            f"fragments {fragments[name] / n:.2f} per paragraph"
        )


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def speed(agencies: int) -> None:
    print("2. speed")
    old, new = (
        REPO / "params/qinghe-education/2023.yaml",
        REPO / "params/qinghe-education/2024.yaml",
    )
    comparison = compare_files(old, new)
    one = timed(lambda: compare_files(old, new), 20)
    page = timed(lambda: comparison_html(comparison), 20)
    print(
        f"   one comparison (青禾区教育局 2023→2024): {one * 1000:.0f} ms, its page {page * 1000:.0f} ms"
    )
    with tempfile.TemporaryDirectory() as tmp:
        params, out = Path(tmp) / "params", Path(tmp) / "out"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "reportkit",
                "demo",
                "--agencies",
                str(agencies),
                "-o",
                str(params),
            ],
            check=True,
            capture_output=True,
        )
        items = discover(params)
        start = time.perf_counter()
        first = write_comparisons(items, out)
        seconds = time.perf_counter() - start
        written = sum(c.status == "written" for c in first)
        start = time.perf_counter()
        again = write_comparisons(items, out)
        rerun = time.perf_counter() - start
        fresh = sum(c.status == "up to date" for c in again)
        print(
            f"   batch step, {agencies} agencies × 2022–2024: {written} pages in {seconds:.1f} s "
            f"({seconds / max(written, 1) * 1000:.0f} ms a page); no-change rerun: {fresh} up to "
            f"date in {rerun:.2f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--edits", type=int, default=2000)
    args = parser.parse_args()
    print(f"reportkit compare benchmark — {platform.python_version()}, {platform.machine()}")
    real_rewrites()
    synthetic_edits(args.edits)
    speed(args.agencies)


if __name__ == "__main__":
    main()
