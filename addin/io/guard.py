"""What must hold before the add-in touches a workbook file: it is writable, no other
program has it open, and no other crm run is working on it."""
from __future__ import annotations

import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


def _try_lock(fh) -> bool:
    try:
        if os.name == "nt":  # pragma: no cover - Windows
            import msvcrt

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


@contextmanager
def exclusive(path: Path, wait: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock beside the workbook for a whole read-modify-write.

    The lock file is removed while still held; a run that was waiting on the removed file
    notices (the path no longer names the file it locked) and locks the new one."""
    lock = lock_name(path)
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    while True:
        try:
            fh = open(lock, "a+b")
        except OSError as exc:
            raise PackageError(f"cannot create the lock file {lock.name} ({exc.strerror})") from None
        if _try_lock(fh) and _same_file(fh, lock):
            break
        fh.close()
        if time.monotonic() >= deadline:
            raise PackageError("正在被另一个 crm 进程处理 (another crm run is working on this workbook); "
                               "try again when it has finished")
        time.sleep(0.1)
    try:
        remove_stale_temps(path)
        yield
    finally:
        try:
            lock.unlink()
        except OSError:
            pass
        fh.close()  # releases the lock
