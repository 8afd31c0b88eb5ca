"""Where a file that a params file names is: ``ledger:``, ``case_register:``, ``docx_template:``.

A relative name is relative to the params file's folder; an absolute one is taken as it is
(``docx_template`` also expands ``~``, the user's home).

A Dask worker of ``reportkit batch --scheduler`` renders from a *mirror*: a private folder that
holds a copy of every file the agency-year reads at the path it has on the client
(``<mirror>/srv/office/params/a/2024.yaml`` for ``/srv/office/params/a/2024.yaml``), marked by a
file :data:`MIRROR_MARK` at its top (JSON: ``{"home": <the client's home folder>}``). Inside a
mirror an absolute name (``/srv/share/台账.xlsx``) or a home-relative one (``~/letterhead.docx``)
means the copy of that client file, so the render reads exactly what it would have read on the
client, and never a file of the worker's own that happens to have the same path.
"""

from __future__ import annotations

import json
import os
import posixpath
from pathlib import Path, PurePosixPath

MIRROR_MARK = ".reportkit-mirror.json"


def mirror_of(folder: str | Path) -> tuple[Path, str] | None:
    """``(mirror root, client home)`` when ``folder`` lies inside a mirror, else None.

    Looks for :data:`MIRROR_MARK` in ``folder`` and each folder above it (a few ``stat`` calls).
    """
    start = Path(folder)
    for candidate in (start, *start.parents):
        mark = candidate / MIRROR_MARK
        if mark.is_file():
            try:
                home = json.loads(mark.read_text(encoding="utf-8")).get("home", "")
            except (OSError, ValueError, AttributeError):
                home = ""
            return candidate, home if isinstance(home, str) else ""
    return None


def client_path(mirror: Path, path: str | Path) -> PurePosixPath:
    """The client's path of ``path``, a path inside ``mirror`` (``<mirror>/a/b`` → ``/a/b``)."""
    return PurePosixPath("/") / PurePosixPath(Path(path).relative_to(mirror).as_posix())


def in_mirror(mirror: Path, client: str | PurePosixPath) -> Path:
    """Where the client's absolute path ``client`` is inside ``mirror``.

    The path keeps its ``..`` as written (a message then names the file as on the client),
    unless one would climb above ``/``: then it is resolved by name, as ``/..`` is ``/`` on the
    client, so it never leaves the mirror.
    """
    text = posixpath.join("/", str(client))
    depth = 0
    for part in text.split("/"):
        depth += -1 if part == ".." else int(part not in ("", "."))
        if depth < 0:
            text = posixpath.normpath(text)
            break
    return mirror / text.lstrip("/")


def referenced_path(base: str | Path, written: str, *, home: bool = False) -> Path:
    """The file that ``written`` (a name in a params file) means, given the params file's
    folder ``base``; ``home``: expand ``~`` as ``docx_template`` does.

    Outside a mirror: ``base / written``, or ``written`` itself when absolute. Inside a mirror
    (see the module docstring): the same file of the client, inside the mirror.
    """
    given = written
    mirror = mirror_of(base)
    if mirror is None:
        path = Path(os.path.expanduser(given) if home else given)
        return path if path.is_absolute() else Path(base) / path
    root, client_home = mirror
    if home and client_home and (given == "~" or given.startswith("~/")):
        given = client_home + given[1:]
    if PurePosixPath(given).is_absolute():
        return in_mirror(root, given)
    return in_mirror(root, client_path(root, base) / given)
