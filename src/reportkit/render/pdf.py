"""HTML → PDF with WeasyPrint: A4 from the stylesheet's ``@page``, CJK fonts embedded as subsets.

The bytes are deterministic: WeasyPrint writes no creation or modification date unless the HTML
asks for one (``dcterms.created``/``modified`` meta tags are dropped here), and the PDF file
identifier is fixed. The file is written aside and renamed, so a reader never sees half a PDF.

One WeasyPrint font configuration serves every PDF a thread makes: a new one per document
loads the fonts again and copies each ``@font-face`` font (the 10 MB emoji face) into a new
temporary folder; a kept one adds each ``@font-face`` once (WeasyPrint keys them by their
descriptors) and gives the same bytes.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from ..errors import RenderError

PDF_IDENTIFIER = b"reportkit"
# fontTools stamps a font it subsets (the color emoji face: WeasyPrint subsets bitmap fonts
# with it) with the time, unless SOURCE_DATE_EPOCH says which (reproducible-builds.org)
FONT_TIMESTAMP = "946684800"  # 2000-01-01
ALLOWED_PROTOCOLS = frozenset({"data", "file"})


def _local_only_fetcher() -> Any:
    """A fetcher of ``data:`` and ``file:`` URLs only: a report loads nothing over the network."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS, fail_on_errors=True)


_THREAD = threading.local()


WARM_PAGE = (
    '<html lang="zh-CN"><body><p style="font-family: \'Noto Serif CJK SC\', serif">'
    "政府信息公开工作年度报告 0123456789</p>"
    "<h2 style=\"font-family: 'Noto Sans CJK SC', sans-serif\">一、总体情况</h2></body></html>"
)


def warmed_font_configuration() -> Any:
    """A new font configuration that has laid out and subset both CJK faces once (fontconfig's
    lists, Pango's caches, HarfBuzz): what :mod:`.warm` makes ahead of a cold process's first
    PDF."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    weasyprint.HTML(string=WARM_PAGE).render(font_config=config).write_pdf()
    return config


def font_configuration() -> Any:
    """This thread's ``weasyprint.text.fonts.FontConfiguration``, made on first use — or taken
    over from the warm-up (:mod:`.warm`), which has laid out both CJK faces with it."""
    config = getattr(_THREAD, "font_config", None)
    if config is None:
        from . import warm

        config = warm.take("font_configuration")
        if config is None:
            from weasyprint.text.fonts import FontConfiguration

            config = FontConfiguration()
        _THREAD.font_config = config
    return config


def _drop_dates(document: Any) -> None:
    document.metadata.created = None
    document.metadata.modified = None


def html_to_pdf_bytes(html: str, base_url: str | None = None) -> bytes:
    """The PDF of ``html`` as bytes (deterministic for the same input and fonts)."""
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    os.environ.setdefault("SOURCE_DATE_EPOCH", FONT_TIMESTAMP)  # a user's own value wins
    try:
        document = weasyprint.HTML(
            string=html, base_url=base_url, url_fetcher=_local_only_fetcher()
        ).render(font_config=font_configuration())
        _drop_dates(document)
        pdf: bytes = document.write_pdf(pdf_identifier=PDF_IDENTIFIER)
    except RenderError:
        raise
    except FatalURLFetchingError as err:  # a BaseException in WeasyPrint
        cause = f" ({err.__cause__})" if err.__cause__ else ""
        raise RenderError(
            f"PDF could not be produced: {err}{cause}; a report may only use data: and file: URLs"
        ) from err
    except Exception as err:
        raise RenderError(f"PDF could not be produced: {type(err).__name__}: {err}") from err
    return pdf


def write_atomic(data: bytes, path: Path) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def html_to_pdf(html: str, pdf_path: Path, base_url: str | None = None) -> Path:
    """Render ``html`` to ``pdf_path`` (A4, fonts embedded); an earlier file is replaced only
    when the new PDF is complete. Raises :class:`~reportkit.errors.RenderError`."""
    write_atomic(html_to_pdf_bytes(html, base_url), Path(pdf_path))
    return Path(pdf_path)
