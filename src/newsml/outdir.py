"""Output folders that never delete what newsml did not create.

Every folder newsml writes (``prepare --out``, ``run --out``) carries a marker file, ``.newsml-output``
(JSON: what wrote it, which version, when). An existing folder is replaced or resumed only when it carries
the marker (or is a recognisable output of an older newsml); any other non-empty folder is refused.
An output may not be, contain, or sit inside one of the inputs.

While a command writes, a lock file beside the folder (``.<name>.newsml-lock``, holding the writer's pid
and host) makes a second writer fail at once with "in use by pid N". A lock whose process is gone (a
crash, ``kill -9``) is stale and taken over.

With ``atomic=True`` (``prepare``) everything is written to a temporary sibling folder which is swapped in
only after success, so a failure leaves the previous folder untouched. With ``atomic=False`` (``run``, which
resumes finished parts in place) the folder is written in place under the lock.

Files are created with the user's umask (not ``0600`` as :func:`tempfile.mkstemp` would).

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> with OutputFolder(root / "ds", kind="dataset") as work:
...     _ = (work / "data.txt").write_text("hello")
>>> sorted(p.name for p in (root / "ds").iterdir())
['.newsml-output', 'data.txt']
>>> _ = (root / "mine").mkdir(); _ = (root / "mine" / "manifest.json").write_text("{}")
>>> OutputFolder(root / "mine", kind="dataset").__enter__()  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
newsml.outdir.OutputError: --out ...mine: not empty and not a newsml output (no .newsml-output marker); choose another --out or empty it
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newsml.errors import InputError

__all__ = ["MARKER", "OutputFolder", "OutputError", "FolderLock", "LockError", "file_mode", "is_newsml_output",
           "check_not_overlapping", "atomic_write"]

MARKER = ".newsml-output"


class OutputError(InputError):
    """An output folder cannot be used (foreign content, overlaps an input)."""


class LockError(OutputError):
    """An output folder is in use by another newsml process."""


def file_mode() -> int:
    """The mode new files get under the current umask (``0o666 & ~umask``)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: str | os.PathLike, write: Callable[[str], Any]) -> None:
    """Create ``path`` whole or not at all: ``write(tmp)`` fills a temporary sibling, which is synced and renamed.

    The file gets the usual umask mode (see :func:`file_mode`); on any error the temporary file is removed
    and ``path`` is left as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "sub" / "a.txt"
    >>> atomic_write(f, lambda tmp: pathlib.Path(tmp).write_text("hi"))
    >>> f.read_text(), [p.name for p in f.parent.iterdir()]
    ('hi', ['a.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        os.chmod(tmp, file_mode())  # mkstemp makes 0600; outputs follow the umask like any other file
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _marker_info(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _legacy_kind(path: Path) -> str | None:
    """Outputs written by newsml before the marker existed: a prepared dataset or a run folder."""
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        if (isinstance(manifest, dict) and "newsml_version" in manifest and "fingerprint" in manifest
                and (path / "dataset_dict.json").is_file()):
            return "dataset"
    except (OSError, ValueError):
        pass
    try:
        run = json.loads((path / "run.json").read_text(encoding="utf-8"))
        if isinstance(run, dict) and "run_hash" in run:
            return "run"
    except (OSError, ValueError):
        pass
    return None


def is_newsml_output(path: str | Path, kind: str | None = None) -> bool:
    """True when ``path`` carries newsml's marker (or is an older newsml output) of ``kind`` (any if None)."""
    path = Path(path)
    info = _marker_info(path)
    found = info.get("kind") if info is not None else _legacy_kind(path)
    return found is not None and (kind is None or found == kind)


def _is_within(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def check_not_overlapping(out: str | Path, inputs: Iterable[str | os.PathLike], flag: str = "--out") -> None:
    """Refuse an output that is, contains or sits inside one of the ``inputs`` (resolved, symlinks followed)."""
    o = Path(out).resolve()
    for raw in inputs:
        if isinstance(raw, str) and (raw.startswith("hub:") or raw == "-"):
            continue
        p = Path(raw)
        if not p.exists():
            continue
        i = p.resolve()
        if _is_within(o, i):
            raise OutputError(f"{flag} {out}: is {'the input' if o == i else 'inside the input'} {raw}; "
                              "write the output somewhere else")
        if _is_within(i, o):
            raise OutputError(f"{flag} {out}: contains the input {raw}; replacing it would delete the input")


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def folder_lock(path: str | Path, what: str) -> FolderLock:
    """The lock of output folder ``path``: ``.<name>.newsml-lock`` beside it (one writer per folder)."""
    path = Path(path)
    return FolderLock(path.parent / f".{path.name}.newsml-lock", what=what)


class FolderLock:
    """An exclusive lock file (pid + host); stale locks of dead processes on this host are taken over.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> lock = FolderLock(pathlib.Path(tempfile.mkdtemp()) / "x.lock")
    >>> with lock:
    ...     lock.path.exists()
    True
    >>> lock.path.exists()
    False
    """

    def __init__(self, path: str | Path, what: str | None = None) -> None:
        self.path = Path(path)
        self.what = what or str(self.path)
        self._held = False

    def acquire(self) -> None:
        host = socket.gethostname()
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, file_mode())
            except FileExistsError:
                holder = self._holder()
                pid, lock_host = holder.get("pid"), holder.get("host")
                if isinstance(pid, int) and (lock_host not in (None, host) or _pid_alive(pid)):
                    where = "" if lock_host in (None, host) else f" on {lock_host}"
                    raise LockError(f"{self.what}: in use by pid {pid}{where} (lock file {self.path}); wait for it "
                                    "to finish, or delete the lock file if that process is gone") from None
                self.path.unlink(missing_ok=True)  # stale: its process is gone (or the file is unreadable)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"pid": os.getpid(), "host": host, "since": _now()}, fh)
            self._held = True
            return
        raise LockError(f"{self.what}: could not take the lock {self.path}")

    def _holder(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def release(self) -> None:
        if self._held:
            self.path.unlink(missing_ok=True)
            self._held = False

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class OutputFolder:
    """A newsml output folder: checked, locked, written to a temporary sibling and swapped in on success.

    Parameters
    ----------
    path : path
        The output folder.
    kind : str
        What is written (``"dataset"``, ``"run"``); an existing folder must carry a marker of this kind.
    inputs : iterable of paths
        Inputs the output may not be, contain or sit inside.
    overwrite : bool
        Replace (``atomic``) or reuse (not ``atomic``) an existing newsml output of the same kind.
    atomic : bool
        Write to a temporary sibling and swap it in on success (else write in place).
    flag : str
        How the folder is named in messages (``--out``).

    Notes
    -----
    ``with OutputFolder(...) as work:`` yields the folder to write to. On success the marker is written and,
    with ``atomic``, the temporary folder replaces ``path``; on an exception the temporary folder is removed
    and ``path`` is left as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "ds"
    >>> try:
    ...     with OutputFolder(out, "dataset") as work:
    ...         _ = (work / "half.txt").write_text("partial")
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> out.exists()
    False
    """

    def __init__(self, path: str | Path, kind: str, inputs: Iterable[str | os.PathLike] = (), *,
                 overwrite: bool = True, atomic: bool = True, flag: str = "--out") -> None:
        self.path = Path(os.path.abspath(path))  # "." and "out/" get a real name (for the lock and the swap)
        self.kind = kind
        self.inputs = list(inputs)
        self.overwrite = overwrite
        self.atomic = atomic
        self.flag = flag
        self.work: Path | None = None
        self.lock = folder_lock(self.path, f"{flag} {self.path}")

    def check(self) -> None:
        """Raise :class:`OutputError` if the folder may not be written (nothing is changed)."""
        check_not_overlapping(self.path, self.inputs, self.flag)
        p = self.path
        if p.exists() and not p.is_dir():
            raise OutputError(f"{self.flag} {p}: is a file, not a folder")
        if p.is_dir() and any(p.iterdir()):
            if not is_newsml_output(p):
                raise OutputError(f"{self.flag} {p}: not empty and not a newsml output (no {MARKER} marker); "
                                  "choose another --out or empty it")
            if not is_newsml_output(p, self.kind):
                raise OutputError(f"{self.flag} {p}: holds another kind of newsml output, not a {self.kind}; "
                                  "choose another --out")
            if not self.overwrite:
                raise OutputError(f"{self.flag} {p}: already exists")

    def __enter__(self) -> Path:
        self.check()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.lock.acquire()
        except OSError as exc:
            raise OutputError(f"{self.flag} {self.path}: cannot write here ({exc.strerror or exc})") from None
        try:
            self.check()  # again under the lock: another process may have written meanwhile
            self._clean_stale_siblings()
            if self.atomic:
                self.work = self.path.parent / f".{self.path.name}.newsml-tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
                self.work.mkdir()
            else:
                self.path.mkdir(exist_ok=True)
                self.work = self.path
                self.write_marker(self.path)
        except BaseException:
            self.lock.release()
            raise
        return self.work

    def write_marker(self, folder: Path) -> None:
        from newsml._version import __version__

        info = {"kind": self.kind, "newsml_version": __version__, "written": _now(), "pid": os.getpid()}
        (folder / MARKER).write_text(json.dumps(info) + "\n", encoding="utf-8")

    def _commit(self) -> None:
        assert self.work is not None
        self.write_marker(self.work)
        if not self.atomic:
            return
        old = None
        if self.path.exists():
            old = self.path.parent / f".{self.path.name}.newsml-old-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            os.rename(self.path, old)
        os.rename(self.work, self.path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _clean_stale_siblings(self) -> None:
        """Remove temporary folders of ours left by crashed writers of this output (their pid is gone)."""
        prefix = f".{self.path.name}.newsml-"
        for sib in self.path.parent.glob(prefix + "*"):
            rest = sib.name[len(prefix):]
            kind, _, tail = rest.partition("-")
            if kind not in ("tmp", "old") or not sib.is_dir():
                continue
            pid = tail.partition("-")[0]
            if pid.isdigit() and not _pid_alive(int(pid)):
                shutil.rmtree(sib, ignore_errors=True)

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._commit()
            elif self.atomic and self.work is not None:
                shutil.rmtree(self.work, ignore_errors=True)
        finally:
            self.lock.release()
