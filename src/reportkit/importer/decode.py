"""Bytes → text: UTF-8 (with or without BOM) or GB18030 (a superset of GBK and GB2312).

Files that are not text at all (a PDF, a spreadsheet, an image, an archive) are named by what
they are, with what to give instead, before any decoding is tried: GB18030 decodes almost any
bytes, and the user would only hear that no section heading was found.
"""

from __future__ import annotations

from ..errors import ReportImportError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (
        b"%PDF-",
        "a PDF file",
        "convert it first: pdftotext -layout {path} report.txt, then import report.txt",
    ),
    (
        b"PK\x03\x04",
        "a ZIP archive (an XLSX or DOCX file, or a .zip)",
        "save the report as text (.txt) or as a web page (.html), then import that",
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "an old Office file (.doc or .xls)",
        "save the report as text (.txt) or as a web page (.html), then import that",
    ),
    (b"\x89PNG", "a PNG image", "give the report's text; a scanned page needs OCR first"),
    (b"\xff\xd8\xff", "a JPEG image", "give the report's text; a scanned page needs OCR first"),
    (b"GIF8", "a GIF image", "give the report's text"),
    (b"\x1f\x8b", "a gzip archive", "unpack it, then import the report file inside"),
    (b"7z\xbc\xaf", "a 7z archive", "unpack it, then import the report file inside"),
    (b"Rar!", "a RAR archive", "unpack it, then import the report file inside"),
)


def refuse_binary(data: bytes, path: str = "<input>") -> None:
    """Raise :class:`ReportImportError` when ``data`` is not text (by its first bytes, or NULs)."""
    for magic, what, fix in _MAGIC:
        if data.startswith(magic):
            raise ReportImportError(path, f"is {what}, not text — {fix.format(path=path)}")
    head = data[:65536]
    nul = head.find(b"\x00")
    if nul >= 0 and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReportImportError(
            path,
            f"is not a text file (a NUL byte at offset {nul}) — give the "
            "report as text copied from the web page, the saved HTML page, or pdftotext output",
        )


def decode_bytes(data: bytes, path: str = "<input>") -> tuple[str, str]:
    """The text of ``data`` and the encoding it was read with.

    UTF-8 is tried first (GBK text almost never decodes as UTF-8 by accident), then GB18030.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as err:
                raise ReportImportError(
                    path,
                    f"starts with a {encoding} byte-order mark but is not {encoding} text "
                    f"({err.reason} at offset {err.start}) — save it as UTF-8 text",
                ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as err:
        raise ReportImportError(
            path,
            f"is neither UTF-8 nor GB18030/GBK text (byte 0x{data[err.start]:02x} at offset "
            f"{err.start}) — save it as UTF-8 text or give the saved HTML page",
        ) from None
