"""Where a catalog came from: its git commit, its content hash, and the catalog as it was at
a revision.

``checkout`` reads the files of one revision with ``git ls-tree`` and ``git cat-file``
into a temporary folder, so an inspector can score "the catalog as of date X" without
touching the working tree, the index or HEAD. Outside a git repository the commit is
simply unknown; the report's content hash still pins the data.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory

from builder import git


class RevisionError(Exception):
    """The revision or the path in it cannot be read; the message says which (zh / en)."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    commit: str
    day: date
    """The commit's own date: exemptions are judged as of it unless a date is given."""



def _git(cwd: Path, *args: str, data: bytes | None = None) -> bytes:
    done = git.run(cwd, *args, data=data)
    if done is None:
        raise RevisionError("git 未安装 / git is not installed")
    if done.returncode:
        raise RevisionError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


def _existing(path: Path) -> Path:
    """The nearest folder that exists: the catalog may have been deleted since the revision."""
    path = path.resolve()
    while not path.is_dir():
        path = path.parent
    return path


def head_commit(path: Path) -> tuple[str | None, bool]:
    """(HEAD's commit, whether ``path`` has uncommitted changes); (None, False) outside git."""
    cwd = _existing(path)
    try:
        commit = _git(cwd, "rev-parse", "--verify", "--quiet", "HEAD").decode().strip()
        dirty = _git(cwd, "status", "--porcelain", "--untracked-files=all", "--", str(path.resolve()))
    except (RevisionError, OSError):
        return None, False
    return commit, bool(dirty.strip())


@contextmanager
def checkout(rev: str, path: Path) -> Iterator[tuple[Path, Snapshot]]:
    """The folder ``path`` as it was at ``rev``, in a temporary folder removed afterwards."""
    cwd = _existing(path)
    try:
        top = Path(_git(cwd, "rev-parse", "--show-toplevel").decode().strip())
    except (RevisionError, OSError) as exc:
        raise RevisionError(f"不在 git 仓库中 / not inside a git repository: {exc}") from None
    rel = path.resolve().relative_to(top.resolve()).as_posix()
    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except RevisionError:
        raise RevisionError(f"找不到版本 / unknown revision: {rev}") from None
    day = date.fromisoformat(_git(top, "show", "-s", "--format=%cs", commit).decode().strip())
    blobs = _tree(top, commit, rel)
    if not blobs:
        raise RevisionError(f"版本 {rev} 中没有 {rel or '.'} / {rel or '.'} does not exist at {rev}")
    with TemporaryDirectory(prefix="gkml-at-") as tmp:
        _write(top, blobs, Path(tmp))
        yield Path(tmp) / rel, Snapshot(commit, day)


def _tree(top: Path, commit: str, rel: str) -> list[tuple[str, str]]:
    """(blob id, path) of every regular file under ``rel`` at ``commit``."""
    out = _git(top, "ls-tree", "-r", "-z", "--full-tree", commit, "--", rel or ".")
    blobs = []
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, name = record.partition("\t")
        parts = meta.split()
        # Symlinks (120000) and submodules are not catalog files.
        if len(parts) == 3 and parts[1] == "blob" and parts[0] in ("100644", "100755"):
            blobs.append((parts[2], name))
    return blobs


def _write(top: Path, blobs: list[tuple[str, str]], dest: Path) -> None:
    stream = _git(top, "cat-file", "--batch", data="".join(f"{sha}\n" for sha, _ in blobs).encode())
    pos = 0
    for _, name in blobs:
        header_end = stream.index(b"\n", pos)
        size = int(stream[pos:header_end].split()[2])
        body = stream[header_end + 1: header_end + 1 + size]
        pos = header_end + 1 + size + 1
        target = dest.joinpath(*PurePosixPath(name).parts)
        if ".." in PurePosixPath(name).parts:
            continue  # git never stores these; refuse rather than write outside dest
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)


def catalog_sha256(root: Path) -> str:
    """A hash of every file the catalog holds (names and bytes), independent of git."""
    files = sorted(_catalog_files(root))
    hashes = ((p.relative_to(root).as_posix(), _sha256(p)) for p in files)
    return manifest_sha256((rel, h) for rel, h in hashes if h)


def manifest_sha256(files: Iterable[tuple[str, str]]) -> str:
    """``catalog_sha256`` from each file's relative path and sha256, in path order (for a
    caller that has just read and hashed the files)."""
    manifest = hashlib.sha256()
    for rel, digest in files:
        manifest.update(f"{rel}\0{digest}\n".encode())
    return manifest.hexdigest()


def _sha256(path: Path) -> str | None:
    from builder.safefile import digest  # late: safefile is not needed for a plain git call

    return digest(path)


def _catalog_files(root: Path) -> Iterable[Path]:
    """Every entry that is not a folder, never following a link (as ``catalog._files``)."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        links = [d for d in dirnames if Path(dirpath, d).is_symlink()]
        for name in [*filenames, *links]:
            if not name.startswith("."):
                yield Path(dirpath, name)
