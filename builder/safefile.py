"""Reading and writing catalog files as they are, not as a link or a device pretends.

A catalog arrives in pull requests from anyone, and a pull request can carry a symbolic
link (to ``/dev/zero``, to a file outside the catalog) or a FIFO. So:

- ``entry_kind(path)`` asks ``lstat``, never ``stat``: a link is a link, a device a device.
- ``read_regular(path, limit)`` opens only a regular file, without following a link and
  without blocking on a FIFO, checks again on the open descriptor (the file could be
  swapped in between), and reads at most ``limit + 1`` bytes: the size in ``stat`` is 0
  for a device, so it proves nothing.
- ``digest(path)`` hashes a regular file in bounded chunks, a link by its target's name.
- ``write_text(path, text)`` never writes through a link: it refuses a link or a special
  file, and replaces the file atomically (a temporary file renamed over it).

Refusals are ``Refused(code, params)``: the caller turns them into findings.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from builder.files import sha256_bytes, sha256_chunks

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_OPEN_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) \
    | getattr(os, "O_BINARY", 0)
_KINDS = {stat.S_IFIFO: ("管道（FIFO）", "a FIFO"), stat.S_IFCHR: ("字符设备", "a character device"),
          stat.S_IFBLK: ("块设备", "a block device"), stat.S_IFSOCK: ("套接字", "a socket"),
          stat.S_IFDIR: ("文件夹", "a folder")}


class Refused(Exception):
    """The file was not read or written; ``code`` and ``params`` make the finding."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params


def entry_kind(path: Path | str) -> str:
    """'file', 'folder', 'symlink', 'missing' or 'special' (FIFO, device, socket), by ``lstat``."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISLNK(mode):
        return "symlink"
    if stat.S_ISDIR(mode):
        return "folder"
    return "file" if stat.S_ISREG(mode) else "special"


def refusal(path: Path) -> Refused | None:
    """Why ``path`` may not be read or written as a catalog file, or None when it may."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Refused("file-unreadable", reason=exc.strerror or str(exc))
    if stat.S_ISLNK(mode):
        return Refused("file-symlink", name=path.name)
    if not stat.S_ISREG(mode):
        zh, en = _KINDS.get(stat.S_IFMT(mode), ("特殊文件", "a special file"))
        return Refused("file-special", name=path.name, kind=zh, kind_en=en)
    return None


def read_regular(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file; ``Refused`` for anything else.

    Where the system can refuse a link at ``open`` (``O_NOFOLLOW``), the file is opened
    first and only a failed open is asked why: one open, one fstat and one read for the
    usual small file. Elsewhere (Windows) ``lstat`` is asked before anything is opened."""
    if not _NOFOLLOW:
        problem = refusal(path)
        if problem is None and not path.exists():
            problem = Refused("file-unreadable", reason="文件不存在 / no such file")
        if problem:
            raise problem
    with _open_regular(path) as (fd, size):
        if size > limit:
            raise Refused("file-too-large", size=size, limit=limit)
        chunks, got = [], 0
        while got <= limit:  # size + 1: a file that grew since fstat is read to its end
            chunk = os.read(fd, min(max(size + 1 - got, 1 << 16), limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    if got > limit:
        raise Refused("file-too-large", size=got, limit=limit)
    return b"".join(chunks)


@contextlib.contextmanager
def _open_regular(path: Path) -> Iterator[tuple[int, int]]:
    """The open file and its size; ``Refused`` for a link, a missing file or a special file."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise Refused("file-unreadable", reason="文件不存在 / no such file") from None
    except OSError as exc:
        raise (refusal(path) or Refused("file-unreadable", reason=exc.strerror or str(exc))) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # a FIFO or device (O_NONBLOCK: opening it never waited)
            raise (refusal(path) or Refused("file-special", name=path.name, kind="特殊文件",
                                            kind_en="a special file"))
        yield fd, st.st_size
    finally:
        os.close(fd)


def digest(path: Path) -> str | None:
    """sha256 of a regular file (read in chunks), of a link's target name, None for others."""
    kind = entry_kind(path)
    if kind == "symlink":
        return sha256_bytes(b"symlink\0" + os.fsencode(path.readlink()))
    if kind != "file":
        return None
    try:
        with _open_regular(path) as (fd, _):
            return sha256_chunks(iter(lambda: os.read(fd, 1 << 20), b""))
    except (Refused, OSError):
        return None


def write_text(path: Path, text: str) -> None:
    """Replace (or create) ``path`` with ``text`` without writing through a link.

    ``Refused`` when ``path`` is a link or a special file; ``OSError`` when the folder
    cannot be written (the caller reports it). The old file stays whole until the new one
    is complete."""
    problem = refusal(path)
    if problem:
        raise problem
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o666 & ~_umask()
    fd, name = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        with contextlib.suppress(OSError):
            tmp.chmod(mode)  # mkstemp makes it 0600: keep the file's own, or a new file's usual
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def create_text(path: Path, text: str) -> None:
    """Create ``path`` (it must not exist; a dangling link counts as existing) with ``text``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
