"""What must hold before the add-in touches a workbook file: it is writable, no other
program has it open, and no other crm run is working on it."""
from __future__ import annotations

import datetime as dt
import os
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .package import TEMP_PREFIX, TEMP_SUFFIX, PackageError

LOCK_WAIT_SECONDS = 5.0


def lock_name(path: Path) -> Path:
    return path.with_name(f".crm-lock.{path.name}")


def owner_file(path: Path) -> Path | None:
    """The lock file Excel (``~$NAME``) or LibreOffice (``.~lock.NAME#``) keeps beside an open workbook."""
    for candidate in (path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:]),
                      path.with_name(f".~lock.{path.name}#")):
        if candidate.exists() and candidate != path:
            return candidate
    return None


def check_writable(path: Path) -> None:
    """Raise PackageError when the file is marked read-only or its folder cannot take the
    temporary file a save writes beside it."""
    if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & stat.S_IWUSR):
        raise PackageError("the file is read-only; clear the read-only flag (or copy it) and run again")
    folder = path.parent
    try:
        fd, probe = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.name}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise PackageError(f"the folder {folder} is read-only ({exc.strerror}): the workbook cannot be saved "
                           "there") from None
    os.close(fd)
    os.unlink(probe)


def remove_stale_temps(path: Path) -> None:
    """Remove temporary files a killed run left beside the workbook (only the add-in's own naming)."""
    stem = f"{TEMP_PREFIX}{path.name}."
    for leftover in path.parent.glob(f"{stem}*{TEMP_SUFFIX}"):
        try:
            leftover.unlink()
        except OSError:
            pass


#: Windows locks a byte range (msvcrt.locking): one byte far past the lock file's few lines, so
#: another process can still read who holds it (a locked range cannot be read there)
LOCK_OFFSET = 1 << 20
#: Windows cannot delete a file any process has open (no FILE_SHARE_DELETE in Python's open):
#: the lock is closed first, then deleted. POSIX deletes it while still held (see exclusive)
_WINDOWS = os.name == "nt"


def _try_lock(fh) -> bool:
    try:
        if os.name == "nt":  # pragma: no cover - Windows
            import msvcrt

            fh.seek(LOCK_OFFSET)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _same_file(fh, lock: Path) -> bool:
    try:
        a, b = os.fstat(fh.fileno()), os.stat(lock)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _process_started(pid: int) -> float | None:
    """When process ``pid`` started (seconds since the epoch), None when there is no such process."""
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, ValueError):
        return None


def _record(fh) -> None:
    """Write who holds the lock: pid, the process's start time, the host, when it was taken."""
    started = _process_started(os.getpid())
    text = (f"pid={os.getpid()}\nprocess_started={started if started is not None else ''}\n"
            f"host={socket.gethostname()}\nlocked={dt.datetime.now().isoformat(timespec='seconds')}\n")
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(text.encode("utf-8"))
        fh.flush()
    except OSError:  # the lock holds without the note; only the doctor's message is poorer
        pass


@dataclass(frozen=True)
class LockInfo:
    """What a lock file beside a workbook says, and whether its holder is still there."""

    path: Path
    pid: int | None
    host: str | None
    locked: str | None
    held: bool  # another process holds the OS lock on it right now
    alive: bool | None  # the recorded process still runs (None: another host, or nothing recorded)

    @property
    def stale(self) -> bool:
        """Left behind: nobody holds it, or the process that wrote it is gone (or its pid was
        reused by a process started after the lock was taken)."""
        return not self.held or self.alive is False

    def holder(self) -> str:
        who = f"pid {self.pid}" if self.pid is not None else "an unknown process"
        if self.host and self.host != socket.gethostname():
            who += f" on {self.host}"
        return who + (f", since {self.locked}" if self.locked else "")


def inspect_lock(path: Path) -> LockInfo | None:
    """The lock file beside ``path`` (None when there is none), read and probed without
    taking it over: its recorded pid and process start time against the running processes, and
    whether its OS lock is held."""
    lock = lock_name(path)
    try:
        text = lock.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError:
        text = ""
    fields = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    try:
        pid = int(fields.get("pid", ""))
    except ValueError:
        pid = None
    host = fields.get("host") or None
    alive: bool | None = None
    if pid is not None and (host is None or host == socket.gethostname()):
        started = _process_started(pid)
        try:
            recorded = float(fields.get("process_started", ""))
        except ValueError:
            recorded = None
        alive = started is not None and (recorded is None or abs(started - recorded) < 1.0)
    held = False
    try:
        with open(lock, "rb+") as fh:
            held = not _try_lock(fh)  # closing releases a lock taken here
    except OSError:
        held = True  # cannot even open it: someone holds it (Windows sharing)
    return LockInfo(lock, pid, host, fields.get("locked"), held, alive)


def _release(fh, lock: Path) -> None:
    """Give the lock up and remove its file.

    POSIX: delete while still held, then close — a run that was waiting locks the deleted file,
    sees the path no longer names it (_same_file) and takes a new one. Windows cannot delete an
    open file: close (which releases the lock), then delete; if another run opened it meanwhile the
    delete fails and the file stays, now that run's lock. A lock file left behind is harmless: the
    next run takes it over, and `crm doctor` tells it from a live one by pid and start time."""
    if _WINDOWS:
        fh.close()
        try:
            os.remove(lock)
        except OSError:
            pass
    else:
        try:
            os.remove(lock)
        except OSError:
            pass
        fh.close()


@contextmanager
def exclusive(path: Path, wait: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock beside the workbook for a whole read-modify-write.

    The lock file records the holder (pid, process start time, host, time); it is removed on
    release in the order each OS allows (:func:`_release`)."""
    lock = lock_name(path)
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    while True:
        try:
            fh = open(lock, "a+b")
        except OSError as exc:
            if _WINDOWS and time.monotonic() < deadline:  # being deleted by the run that just finished
                time.sleep(0.1)
                continue
            raise PackageError(f"cannot create the lock file {lock.name} ({exc.strerror})") from None
        if _try_lock(fh) and _same_file(fh, lock):
            break
        fh.close()
        if time.monotonic() >= deadline:
            raise PackageError("正在被另一个 crm 进程处理 (another crm run is working on this workbook); "
                               "try again when it has finished")
        time.sleep(0.1)
    _record(fh)
    try:
        remove_stale_temps(path)
        yield
    finally:
        _release(fh, lock)
