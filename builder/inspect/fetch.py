"""Fetch a catalog's address once and keep the copy as evidence.

An inspection's deductions must hold up when a county asks "which page did you read?":
the page is fetched once (one GET, redirects followed, a timeout for the whole of it and
a size cap), saved next to the report as ``fetched-<sha256 prefix><suffix>`` with a
``.json`` note of the address, the time and the sha256, and only the saved copy is read.
The User-Agent names gkml and what it is doing, so a portal's logs say who came.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import httpx

from builder import __version__
from builder.findings import Finding
from builder.inspect.published import Limits, finding

USER_AGENT = f"gkml/{__version__} (+政务公开目录考核)"
_SUFFIXES = {  # Content-Type → the suffix the reader dispatch understands
    "text/html": ".html", "application/xhtml+xml": ".html", "text/csv": ".csv", "application/pdf": ".pdf",
    "application/vnd.ms-excel": ".xls", "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
_KNOWN = frozenset({".html", ".htm", ".shtml", ".csv", ".pdf", ".xls", ".xlsx", ".docx", ".doc", ".wps",
                    ".et"})


@dataclass(frozen=True)
class Fetched:
    """The stamp of one fetch: what was asked for, what answered, and the copy kept."""

    url: str
    final_url: str
    path: Path
    sha256: str
    size: int
    fetched_at: str
    """ISO 8601, UTC, to the second."""
    status: int
    content_type: str
    charset: str
    """The charset the server declared, '' when it declared none."""


class _Stop(Exception):
    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.code)
        self.finding = finding


def fetch(url: str, into: Path, limits: Limits) -> Fetched | Finding:
    """GET ``url`` once and save it in the folder ``into``; a finding when it cannot be had."""
    try:
        return _fetch(url, into, limits)
    except _Stop as stop:
        return stop.finding
    except httpx.TimeoutException:
        return finding("inspect-fetch-timeout", url, url=url, seconds=limits.timeout)
    except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
        return finding("inspect-fetch-failed", url, url=url, detail=f"{type(exc).__name__}: {exc}")


def _fetch(url: str, into: Path, limits: Limits) -> Fetched:
    headers = {b"User-Agent": USER_AGENT.encode("utf-8")}  # RFC 9110 obs-text; httpx sends bytes as they are
    start = time.monotonic()
    into.mkdir(parents=True, exist_ok=True)
    with (httpx.Client(timeout=limits.timeout, follow_redirects=True, headers=headers) as client,
          client.stream("GET", url) as response):
        if response.status_code >= 400:
            raise _Stop(finding("inspect-fetch-status", url, url=url, status=response.status_code))
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.fetch_bytes:
            raise _Stop(_too_large(url, limits))
        fetched_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        tmp, digest, size = _download(response, into, url, limits, start)
        mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
        final = str(response.url)
    path = into / f"fetched-{digest[:16]}{_suffix(final, mime)}"
    tmp.replace(path)
    result = Fetched(url, final, path, digest, size, fetched_at, response.status_code, mime,
                     response.charset_encoding or "")
    note = {**asdict(result), "path": path.name, "user_agent": USER_AGENT}
    text = json.dumps(note, ensure_ascii=False, indent=2) + "\n"
    path.with_suffix(".json").write_text(text, encoding="utf-8")
    return result


def _download(response: httpx.Response, into: Path, url: str, limits: Limits,
              start: float) -> tuple[Path, str, int]:
    """Stream the body into a temporary file in ``into``: (its path, sha256, size)."""
    digest = hashlib.sha256()
    size = 0
    fd, name = tempfile.mkstemp(prefix=".fetching-", dir=into)
    try:
        with os.fdopen(fd, "wb") as f:
            for chunk in response.iter_bytes(1 << 16):
                size += len(chunk)
                if size > limits.fetch_bytes:
                    raise _Stop(_too_large(url, limits))
                if time.monotonic() - start > limits.timeout:
                    raise httpx.ReadTimeout("overall timeout")
                digest.update(chunk)
                f.write(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), digest.hexdigest(), size


def _too_large(url: str, limits: Limits) -> Finding:
    return finding("inspect-fetch-too-large", url, url=url, limit=limits.fetch_bytes)


def _suffix(url: str, mime: str) -> str:
    """The address's own suffix when the readers know it (a .xls attachment served as
    octet-stream), else the one its Content-Type names, else .html."""
    own = PurePosixPath(urlsplit(url).path).suffix.lower()
    return own if own in _KNOWN else _SUFFIXES.get(mime, ".html")
