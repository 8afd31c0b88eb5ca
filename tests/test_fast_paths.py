"""The quick paths stay quick: a command loads only its own library, and a batch in which
nothing changed loads none of the heavy libraries (no kernel, no pandas, no WeasyPrint).

Speed itself is measured by ``benchmarks/bench_scale.py``; these tests pin what it relies on.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from reportkit.batch import run_batch
from tests.test_batch_helpers import REPO, FakeWork
from tests.test_ledger_batch import ledger_agency

HEAVY = ("pandas", "openpyxl", "matplotlib", "weasyprint", "papermill", "nbformat", "docx")


def _loaded_after(code: str) -> list[str]:
    """The HEAVY modules a fresh interpreter has loaded after running ``code``."""
    probe = (
        "import sys, json\n"
        f"{code}\n"
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_a_command_loads_only_its_library() -> None:
    run = "from reportkit.cli import main\ntry:\n    main(['batch', '--help'])\nexcept SystemExit:\n    pass"
    assert _loaded_after(run) == []


def test_no_change_batch_loads_nothing_heavy(tmp_path: Path) -> None:
    params, out = tmp_path / "params", tmp_path / "outputs"
    ledger_agency(params)  # a ledger too: recognized unchanged without reading it
    for agency in ("qinghe-hrss", "qinghe-gov-office"):
        shutil.copytree(REPO / "params" / agency, params / agency)
    first = run_batch(params, out, jobs=1, work=FakeWork())
    assert first.rendered and not first.failed
    rerun = (
        "from reportkit.cli import main\n"
        f"code = main(['batch', '--params', {str(params)!r}, '--out', {str(out)!r}])\n"
        "assert code == 0, code"
    )
    assert _loaded_after(rerun) == []


def test_renders_skip_jsonschemas_iri_grammars() -> None:
    """nbformat still validates notebooks; the grammars of rfc3987-syntax are never compiled."""
    code = (
        "from reportkit.render.locations import skip_iri_grammars\n"
        "skip_iri_grammars()\n"
        "import nbformat\n"
        "nb = nbformat.read('notebooks/01_overview.ipynb', as_version=4)\n"
        "nbformat.validate(nb)\n"
        "bad = nbformat.from_dict(nb)\n"
        "del bad.cells[0]['source']\n"
        "try:\n"
        "    nbformat.validate(bad)\n"
        "except nbformat.ValidationError:\n"
        "    print('invalid caught')\n"
        "print(sys.modules.get('rfc3987_syntax'))"
    )
    probe = f"import sys\n{code}\n"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert done.stdout.split() == ["invalid", "caught", "None"]
