"""Safe output folders: the report never destroys what it did not make.

``output_folder(out)`` yields a fresh temporary folder beside ``out`` to render into, and on
success installs its files into ``out``. The rules:

- ``out`` is used only when it does not exist, is an empty folder, or holds an earlier report,
  recognised by the marker file ``.surveystats-report`` (JSON: who wrote it, the version and
  the list of files it wrote). Anything else -- a folder with other files, a regular file, a
  symbolic link to a file, a device -- is refused with :class:`OutputError` before anything is
  written.
- A new ``out`` appears in one ``rename`` of the finished temporary folder (its parent folder
  must exist: a missing one is an error, not created behind the user's back). An existing folder
  is kept (its owner, permissions and any other files in it): the new files are moved in one by
  one with ``os.replace``, then files the earlier marker listed that the new report no longer
  writes are removed. Nothing the marker does not list is ever removed or overwritten;
  directories inside ``out`` are never removed. The marker is rewritten first with the union of
  the old and new lists, so a run killed half-way still leaves a folder the next run recognises.
- Concurrent runs on the same ``out`` are serialised by an exclusive ``fcntl.flock`` on
  ``.NAME.surveystats-lock`` in the parent folder, held only while the files are installed
  (milliseconds); a second run waits up to ``LOCK_TIMEOUT`` seconds, then gives up with
  :class:`OutputError`. flock (not an ``O_EXCL`` file) because the kernel releases it when a
  run is killed, so a crash never leaves a lock that blocks later runs. The holder removes the
  lock file before releasing it; a waiter that then gets the lock on the removed file notices
  (its inode differs from the path's) and retries. Where ``fcntl`` does not exist (Windows)
  runs are not serialised.
- Temporary folders are named ``.NAME.surveystats-tmp-<pid>-<random>``. A run killed with
  SIGKILL leaves one behind; the next run on the same ``out`` removes those, and only those,
  whose pid is no longer alive (exactly that pattern, real folders, not symbolic links).
  Runs on other machines sharing the folder (NFS) or in other pid namespaces are not told
  apart from dead ones.
- New folders and files follow the umask (the temporary folder is made with mode 0o777, not
  ``mkdtemp``'s 0o700).
- Any ``OSError`` (permission denied, read-only file system, no space left, a file where a
  folder is needed, ``/proc``) becomes an :class:`OutputError` naming ``out``; the temporary
  folder is removed and ``out`` is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
import signal
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from surveystats._version import __version__

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK_TIMEOUT", "MARKER", "OutputError", "output_folder", "read_marker", "target_path"]

MARKER = ".surveystats-report"
"""Name of the marker file a report writes into its folder."""

LOCK_TIMEOUT = 30.0
"""Seconds a run waits for another run on the same folder to finish installing its files."""

_MADE_BY = "surveystats report"
_TMP = ".{name}.surveystats-tmp-"
_LOCK = ".{name}.surveystats-lock"
_ADVICE = "choose a new or empty folder"


class OutputError(OSError):
    """The report cannot be written to the folder asked for; the message says why and what to do.

    Nothing was changed in the folder. The original ``OSError``, if any, is the ``__cause__``.
    """


def _plain_name(name: object) -> bool:
    """True for a file name inside one folder: no separator, not ``.``/``..``, not the marker."""
    return (isinstance(name, str) and name not in ("", ".", "..", MARKER)
            and "/" not in name and os.sep not in name and "\0" not in name)


def read_marker(folder: Path) -> list[str] | None:
    """The files an earlier report in ``folder`` wrote, or None if ``folder`` holds no report.

    Parameters
    ----------
    folder : pathlib.Path
        The folder to look in for ``.surveystats-report``.

    Returns
    -------
    list of str or None
        The listed file names. None when the marker is missing, is not a regular file (a
        symbolic link is not trusted), is not the JSON this module writes, or lists a name
        that is not a plain file name inside ``folder`` (``../x``, ``/x``).
    """
    path = folder / MARKER
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("made_by") != _MADE_BY:
        return None
    files = data.get("files")
    if not isinstance(files, list) or not all(_plain_name(f) for f in files):
        return None
    return [str(f) for f in files]


def _write_marker(path: Path, files: list[str]) -> None:
    text = json.dumps({"made_by": _MADE_BY, "version": __version__, "files": sorted(files)},
                      indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def target_path(out: str | os.PathLike[str]) -> Path:
    """Absolute path of ``out``; a symbolic link to a folder stands for that folder.

    Parameters
    ----------
    out : str or path-like
        The report folder as given.

    Returns
    -------
    pathlib.Path
        The folder the report goes into (a symbolic link to a file stays a link, refused later).

    Raises
    ------
    OutputError
        For the root folder, which has no parent to put a temporary folder in.
    """
    path = Path(os.path.abspath(os.fspath(out)))
    if path.is_symlink() and path.resolve().is_dir():
        path = path.resolve()
    if not path.name:
        raise OutputError(f"{path} is the root folder; {_ADVICE} for the report")
    return path


def _kind(path: Path) -> str:
    """What a non-folder at ``path`` is, in words."""
    if path.is_symlink():
        return "a broken symbolic link" if not path.exists() else "a symbolic link to a file"
    return "a file" if path.is_file() else "a special file (fifo, socket or device)"


def _existing(target: Path) -> set[str] | None:
    """None when ``target`` does not exist; else the names the earlier report there wrote.

    Raises
    ------
    OutputError
        When ``target`` is not a folder, or is a folder with files and no report marker.
    """
    if not os.path.lexists(target):
        return None
    if not target.is_dir():
        raise OutputError(f"{target} is {_kind(target)}, not a folder; {_ADVICE} for the report "
                          "(nothing was written)")
    listed = read_marker(target)
    if listed is not None:
        return set(listed)
    if any(target.iterdir()):
        raise OutputError(f"{target} is not empty and holds no surveystats report (no {MARKER} "
                          f"file); {_ADVICE} (nothing was written)")
    return set()


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists; True when it cannot be told (never remove then)."""
    if os.name != "posix" or pid <= 0:
        return True  # on Windows os.kill would terminate the process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # e.g. EPERM: it exists, under another user
    return True


def _remove_stale_temps(target: Path) -> None:
    """Remove temporary folders of earlier runs on ``target`` whose process is gone."""
    pattern = re.compile(re.escape(_TMP.format(name=target.name)) + r"([1-9][0-9]*)-[a-z0-9_]+")
    for entry in os.scandir(target.parent):
        match = pattern.fullmatch(entry.name)
        if (match and entry.is_dir(follow_symlinks=False)
                and not _pid_alive(int(match.group(1)))):
            shutil.rmtree(entry.path, ignore_errors=True)


def _make_temp(target: Path) -> Path:
    """A new folder ``.NAME.surveystats-tmp-<pid>-<random>`` beside ``target`` (umask applies)."""
    prefix = _TMP.format(name=target.name) + f"{os.getpid()}-"
    for _ in range(100):
        tmp = target.with_name(prefix + secrets.token_hex(4))
        try:
            os.mkdir(tmp, 0o777)
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary folder name", str(target.parent))


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold the exclusive lock ``.NAME.surveystats-lock`` beside ``target`` (see module doc)."""
    if fcntl is None:  # pragma: no cover - not on POSIX
        yield
        return
    lock = target.with_name(_LOCK.format(name=target.name))
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise OutputError(
                            f"another surveystats run is writing {target} (it holds {lock}); "
                            f"try again when it has finished, or {_ADVICE}") from None
                    time.sleep(0.05)
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(lock))
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(fd)
            raise
        if same:
            break
        os.close(fd)  # the holder removed this lock file before releasing it: take the new one
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


@contextlib.contextmanager
def _sigint_deferred(*, redeliver: bool = False) -> Iterator[None]:
    """Let a short step finish when Ctrl-C arrives during it (it takes milliseconds).

    During the final moves a Ctrl-C would otherwise stop between two moves and leave a report
    half replaced; deferring it means the report is then complete. With ``redeliver`` the
    Ctrl-C is raised as soon as the step is done (used while the temporary folder is made and
    recorded, so that it is always removed). Only the main thread can set handlers.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = signal.signal(signal.SIGINT, note)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if redeliver and received:
        raise KeyboardInterrupt


def _install(tmp: Path, target: Path) -> None:
    """Move the finished files in ``tmp`` into ``target`` (called under the lock)."""
    new = sorted(p.name for p in tmp.iterdir() if p.name != MARKER)
    old = _existing(target)  # again, under the lock: another run may have changed it
    if old is None:
        _write_marker(tmp / MARKER, new)
        # One atomic rename. rename(2) would also replace an empty folder created by someone
        # else in the microseconds since the check above; a folder with files fails instead.
        os.rename(tmp, target)
        return
    present = {p.name for p in target.iterdir()}
    clash = sorted(n for n in new if n in present and n not in old)
    if clash:
        raise OutputError(f"{target / clash[0]} is not from the earlier report in {target}; "
                          f"move it away or {_ADVICE} (nothing was written)")
    _write_marker(tmp / MARKER, sorted(old | set(new)))
    os.replace(tmp / MARKER, target / MARKER)
    for name in new:
        os.replace(tmp / name, target / name)
    for name in sorted(old - set(new)):
        path = target / name
        with contextlib.suppress(FileNotFoundError):
            if not stat.S_ISDIR(path.lstat().st_mode):
                path.unlink()
    _write_marker(tmp / MARKER, new)
    os.replace(tmp / MARKER, target / MARKER)
    tmp.rmdir()


def _reason(exc: OSError, target: Path) -> str:
    """``exc`` in words; its file name only when it is not (in) a hidden temporary folder."""
    text = exc.strerror or str(exc)
    name = os.fsdecode(exc.filename) if exc.filename is not None else ""
    if name and _TMP.format(name=target.name) not in name:
        text += f" ({name})"
    return text


@contextlib.contextmanager
def output_folder(out: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield an empty temporary folder; on success its files are installed into ``out``.

    See the module docstring for which folders are accepted and how they are replaced.

    Parameters
    ----------
    out : str or path-like
        The report folder. Its parent folder must exist.

    Yields
    ------
    pathlib.Path
        The temporary folder to write every file into (flat: files only).

    Raises
    ------
    OutputError
        When ``out`` is refused or cannot be written; ``out`` is left as it was.
    """
    target = target_path(out)
    tmp: Path | None = None
    try:
        _existing(target)  # refuse early, before the slow rendering
        for parent in target.parents:  # the nearest existing ancestor says what is wrong
            if os.path.lexists(parent):
                if not parent.is_dir():
                    raise NotADirectoryError(errno.ENOTDIR, f"{parent} is a file, not a folder")
                break
        if not target.parent.is_dir():
            raise FileNotFoundError(errno.ENOENT, f"its folder {target.parent} does not exist "
                                    "(create it first, or choose another --out)")
        with _sigint_deferred(redeliver=True):  # a Ctrl-C now must not orphan the folder
            tmp = _make_temp(target)
        yield tmp
        with _locked(target):
            _remove_stale_temps(target)
            with _sigint_deferred():
                _install(tmp, target)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write the report to {target}: {_reason(exc, target)}") from exc
    finally:
        if tmp is not None and os.path.lexists(tmp):
            shutil.rmtree(tmp, ignore_errors=True)
