"""What a render needs from this machine, probed: ``reportkit doctor`` and the slow-PDF warning.

Each probe returns one :class:`Check` — what was found, and when something is missing, the fix
(the Debian package to install, the variable to set). :func:`diagnose` runs them all, in the
order ``reportkit doctor`` prints them; a check that is not ``required`` (the optional fonts for
rare characters) never makes the doctor fail.

The fast path of a PDF is WeasyPrint subsetting its fonts with HarfBuzz (Debian's
``libharfbuzz-subset0``, HarfBuzz 4.1.0 or later). Without it WeasyPrint falls back to fontTools
— ~20 s instead of ~1 s a PDF, measured on the same report — and only logs it once per font, deep
in a render. :func:`pdf_fast_path` asks the same question WeasyPrint asks
(``weasyprint.pdf.fonts.Font.subset``) before anything renders, without importing WeasyPrint
(it takes a second): the library is looked up under WeasyPrint's own names, as cffi does, and its
version read from HarfBuzz. :func:`warn_if_pdf_slow` turns a missing fast path into one
:class:`SlowPdfWarning` per process; ``run`` and ``batch`` print it as one ``Warning:`` line.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import __version__

HARFBUZZ_SUBSET_PACKAGE = "libharfbuzz-subset0"
PANGO_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0")
POPPLER_PACKAGE = "poppler-utils"
MIN_HARFBUZZ = (4, 1, 0)  # WeasyPrint: hb_set_add_sorted_array
# the names WeasyPrint (weasyprint.text.ffi) tries, in its order
HARFBUZZ_SUBSET_NAMES = (
    "libharfbuzz-subset-0",
    "harfbuzz-subset",
    "harfbuzz-subset-0.0",
    "libharfbuzz-subset.so.0",
    "libharfbuzz-subset.0.dylib",
    "libharfbuzz-subset-0.dll",
)
HARFBUZZ_NAMES = (
    "libharfbuzz-0",
    "harfbuzz",
    "harfbuzz-0.0",
    "libharfbuzz.so.0",
    "libharfbuzz.0.dylib",
    "libharfbuzz-0.dll",
)
KERNEL_IMPORTS = ("pandas", "matplotlib")
SECTION_NOTEBOOKS = (
    "01_overview.ipynb",
    "02_proactive.ipynb",
    "03_requests.ipynb",
    "04_review_litigation.ipynb",
    "05_problems.ipynb",
    "06_other.ipynb",
)


class SlowPdfWarning(UserWarning):
    """PDFs will take WeasyPrint's slow path (fontTools instead of HarfBuzz subsetting)."""


@dataclass(frozen=True)
class Check:
    """One line of ``reportkit doctor``: what was checked, what was found, and the fix.

    ``required`` checks are the must-haves (the doctor exits 1 when one fails); the others
    say what a user misses without them.
    """

    name: str
    ok: bool
    found: str
    fix: str = ""
    required: bool = True

    def line(self) -> str:
        """``✓ name: found`` or ``✗ name: found — fix`` (``(optional)`` when not required)."""
        mark = "✓" if self.ok else "✗"
        name = self.name if self.required else f"{self.name} (optional)"
        text = f"{mark} {name}: {self.found}"
        return text if self.ok or not self.fix else f"{text} — {self.fix}"


def apt_fix(*packages: str, dev: bool = True) -> str:
    """``install Debian's P (apt-get install P, or ./dev setup)`` (``dev``: ./dev installs P)."""
    names = " ".join(packages)
    also = ", or ./dev setup" if dev else ""
    return f"install Debian's {names} (apt-get install {names}{also})"


# ---------------------------------------------------------------- the PDF fast path


def _load(name: str) -> ctypes.CDLL | None:
    """Load a shared library as cffi's ``dlopen`` does for WeasyPrint: directly when the name
    has a dot or a slash, else through ``ctypes.util.find_library``."""
    if "." in name or "/" in name:
        try:
            return ctypes.CDLL(name)
        except OSError:
            pass
    try:
        path = ctypes.util.find_library(name)
    except Exception:  # find_library runs ldconfig/gcc, which may be missing or fail
        return None
    if path is None:
        return None
    try:
        return ctypes.CDLL(path)
    except OSError:
        return None


def _first(names: Sequence[str]) -> ctypes.CDLL | None:
    # the names with a dot load without running ldconfig: try them first
    for name in sorted(names, key=lambda n: "." not in n):
        lib = _load(name)
        if lib is not None:
            return lib
    return None


def harfbuzz_version(lib: ctypes.CDLL) -> tuple[int, int, int]:
    """HarfBuzz's ``hb_version`` of the loaded library."""
    major, minor, micro = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    lib.hb_version(ctypes.byref(major), ctypes.byref(minor), ctypes.byref(micro))
    return major.value, minor.value, micro.value


@dataclass(frozen=True)
class FastPath:
    """Whether WeasyPrint will subset fonts with HarfBuzz, and what was found."""

    ok: bool
    found: str


def _probe_fast_path() -> FastPath:
    subset = _first(HARFBUZZ_SUBSET_NAMES)
    if subset is None:
        return FastPath(False, "HarfBuzz's subsetting library (libharfbuzz-subset.so.0) not found")
    harfbuzz = _first(HARFBUZZ_NAMES)
    if harfbuzz is None:
        return FastPath(False, "HarfBuzz (libharfbuzz.so.0) not found")
    version = harfbuzz_version(harfbuzz)
    text = ".".join(map(str, version))
    if version < MIN_HARFBUZZ:
        wanted = ".".join(map(str, MIN_HARFBUZZ))
        return FastPath(False, f"HarfBuzz {text} is older than {wanted}")
    return FastPath(True, f"HarfBuzz {text} with libharfbuzz-subset")


_FAST_PATH: list[FastPath] = []


def pdf_fast_path() -> FastPath:
    """Will WeasyPrint subset fonts with HarfBuzz (the fast path)? Probed once per process."""
    if not _FAST_PATH:
        _FAST_PATH.append(_probe_fast_path())
    return _FAST_PATH[0]


def slow_pdf_message(found: str) -> str:
    """The one line that says PDFs will be slow, why, and the fix."""
    return (
        f"PDFs will take WeasyPrint's slow path: {found}, so it subsets fonts with fontTools "
        f"(~20 s a PDF instead of ~1 s) — {apt_fix(HARFBUZZ_SUBSET_PACKAGE)}; "
        "`reportkit doctor` checks the rest"
    )


_WARNED: list[bool] = []


def warn_if_pdf_slow() -> None:
    """Issue one :class:`SlowPdfWarning` per process when PDFs would take the slow path."""
    if _WARNED:
        return
    _WARNED.append(True)
    fast = pdf_fast_path()
    if not fast.ok:
        warnings.warn(slow_pdf_message(fast.found), SlowPdfWarning, stacklevel=2)


def already_warned() -> None:
    """Do not warn in this process (a batch worker: its main process has warned already)."""
    if not _WARNED:
        _WARNED.append(True)


# ---------------------------------------------------------------- probes


def check_python() -> Check:
    """Python ≥ 3.11 (the interpreter reportkit and its kernels run in)."""
    ok = sys.version_info >= (3, 11)
    found = f"Python {platform.python_version()} ({sys.executable})"
    return Check("Python", ok, found, "" if ok else "use Python 3.11 or later (./dev setup)")


def check_reportkit() -> Check:
    """reportkit's version and where it is installed."""
    return Check("reportkit", True, f"reportkit {__version__} ({Path(__file__).parents[1]})")


def check_font(kind: str) -> Check:
    """The CJK face (family and file) that fontconfig gives the stylesheet's ``kind`` stack
    (``serif``: body text; ``sans``: headings, tables, charts) — what WeasyPrint prints with."""
    from ..checks.glyphs import CJK_PACKAGE, FONT_STACKS, installed_faces, resolve_family

    faces = installed_faces()
    name = f"CJK {kind} font"
    if not faces and shutil.which("fc-list") is None:
        return Check(name, False, "fontconfig (fc-list) not found", apt_fix("fontconfig"))
    for family in FONT_STACKS[kind]:
        face = resolve_family(family, faces)
        if face is not None:
            return Check(name, True, f"{family} ({face.file})")
    looked = ", ".join(FONT_STACKS[kind])
    return Check(name, False, f"none of {looked} installed", apt_fix(CJK_PACKAGE))


def check_chart_font() -> Check:
    """The CJK face matplotlib draws the charts with (its own font list, cached on disk)."""
    from .fonts import FONT_PACKAGE, cjk_font_path, find_cjk_family

    family = find_cjk_family("sans") or find_cjk_family("serif")
    if family is None:
        fix = (
            f"{apt_fix(FONT_PACKAGE)}; if it is installed, remove matplotlib's font cache "
            "(rm -r ~/.cache/matplotlib) so that it finds it"
        )
        return Check("chart font (matplotlib)", False, "no CJK family known to matplotlib", fix)
    return Check("chart font (matplotlib)", True, f"{family} ({cjk_font_path('sans')})")


def check_weasyprint() -> Check:
    """WeasyPrint loads (it needs Pango and fontconfig at import)."""
    import contextlib
    import io

    try:
        with contextlib.redirect_stdout(io.StringIO()):  # its banner on a failed dlopen
            import weasyprint
    except OSError as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        return Check("WeasyPrint", False, f"cannot load: {first}", apt_fix(*PANGO_PACKAGES))
    return Check("WeasyPrint", True, f"WeasyPrint {weasyprint.__version__}")


def check_pdf_fast_path() -> Check:
    """HarfBuzz subsetting: the fast path of every PDF (see the module docstring)."""
    fast = pdf_fast_path()
    name = "PDF font subsetting (HarfBuzz)"
    if fast.ok:
        return Check(name, True, f"{fast.found}: ~1 s a PDF")
    found = f"{fast.found}: WeasyPrint would use fontTools, ~20 s a PDF"
    return Check(name, False, found, apt_fix(HARFBUZZ_SUBSET_PACKAGE))


def check_poppler() -> Check:
    """``pdftotext`` and ``pdffonts`` (import of published PDFs; the tests read PDFs with them)."""
    tools = {t: shutil.which(t) for t in ("pdftotext", "pdffonts")}
    missing = [t for t, path in tools.items() if path is None]
    name = "pdftotext, pdffonts"
    if missing:
        return Check(name, False, f"{', '.join(missing)} not found", apt_fix(POPPLER_PACKAGE))
    return Check(name, True, ", ".join(str(p) for p in tools.values()))


def run_in_new_kernel(code: str, cwd: str | Path, timeout: float = 60) -> None:
    """Start a kernel of this environment in ``cwd`` (as a render does), run ``code`` in it,
    shut it down. Raises ``RuntimeError`` with the kernel's ``ename: evalue`` when the code
    fails, and what :func:`reportkit.render.execution.start_kernel` raises when no kernel
    starts."""
    from typing import Any

    from jupyter_core.utils import run_sync

    from .execution import shutdown, start_kernel

    km = start_kernel(cwd, timeout=timeout)
    client: Any = km.client()
    try:
        client.start_channels()
        run_sync(client.wait_for_ready)(timeout=timeout)
        msg_id = client.execute(code, silent=True, store_history=False)
        while True:
            reply = run_sync(client.get_shell_msg)(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content["status"] != "ok":
            raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
    finally:
        client.stop_channels()
        shutdown(km)


def check_kernel(cwd: Path | None = None, imports: Sequence[str] = KERNEL_IMPORTS) -> Check:
    """A kernel of this environment starts and imports ``imports``; the seconds it took."""
    name = "kernel"
    what = " and ".join(imports)
    start = time.perf_counter()
    try:
        run_in_new_kernel(f"import {', '.join(imports)}", cwd or Path.cwd())
    except Exception as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        fix = "run ./dev setup (it installs ipykernel and the locked packages in .venv)"
        return Check(name, False, f"could not start one and import {what}: {first}", fix)
    seconds = time.perf_counter() - start
    found = f"started {sys.executable} -m ipykernel, imported {what} in {seconds:.1f} s"
    return Check(name, True, found)


def check_notebooks(folder: Path | None = None) -> Check:
    """The six section notebooks are found."""
    from .locations import NOTEBOOKS_ENV, default_notebooks_dir

    folder = folder if folder is not None else default_notebooks_dir()
    missing = [n for n in SECTION_NOTEBOOKS if not (folder / n).is_file()]
    name = "notebooks"
    if missing:
        found = f"{folder}: missing {', '.join(missing)}"
        fix = f"set {NOTEBOOKS_ENV} to the folder of the six section notebooks"
        return Check(name, False, found, fix)
    return Check(name, True, f"{folder} (6 section notebooks)")


def check_outputs(out: Path) -> Check:
    """The outputs folder can be written (or created: its nearest existing parent can be)."""
    name = "outputs folder"
    target = out.resolve()
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return Check(name, False, f"{existing} is not a folder", "choose another --out DIR")
    try:
        fd, probe = tempfile.mkstemp(prefix=".reportkit-doctor-", dir=existing)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        found = f"{existing} is not writable ({err.strerror or err})"
        fix = f"make it writable (chmod u+w {existing}) or choose another --out DIR"
        return Check(name, False, found, fix)
    found = f"{target} writable" if existing == target else f"{target} (will be created)"
    return Check(name, True, found)


def check_optional_fonts() -> list[Check]:
    """The optional fonts for rare characters (:func:`reportkit.checks.glyphs.optional_fonts`)."""
    from ..checks.glyphs import optional_fonts

    checks = []
    for status in optional_fonts():
        font = status.font
        name = f"font {font.package}"
        if status.installed:
            checks.append(Check(name, True, font.covers, required=False))
        else:
            found = f"not installed: {font.covers} would print as boxes (R10 flags them)"
            fix = apt_fix(font.package, dev=False)  # ./dev installs them for the tests only
            checks.append(Check(name, False, found, fix, required=False))
    return checks


def diagnose(
    out: Path = Path("outputs"),
    notebooks: Path | None = None,
    *,
    kernel: bool = True,
) -> list[Check]:
    """Every check of ``reportkit doctor``, in the order it prints them."""
    probes: list[Callable[[], Check]] = [
        check_python,
        check_reportkit,
        lambda: check_font("serif"),
        lambda: check_font("sans"),
        check_chart_font,
        check_weasyprint,
        check_pdf_fast_path,
        check_poppler,
    ]
    if kernel:
        probes.append(lambda: check_kernel(notebooks))
    probes += [lambda: check_notebooks(notebooks), lambda: check_outputs(out)]
    return [probe() for probe in probes] + check_optional_fonts()


def healthy(checks: Sequence[Check]) -> bool:
    """True when every must-have holds."""
    return all(c.ok for c in checks if c.required)
