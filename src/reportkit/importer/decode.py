"""Bytes → text: UTF-8 (with or without BOM) or GB18030 (a superset of GBK and GB2312)."""

from __future__ import annotations

from ..errors import ReportImportError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
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
