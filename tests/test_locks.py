"""Issue 23 item 4: lock files released on Windows semantics (close, then delete) and told stale
or live by the pid and start time they record, not by their mere presence."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import cli
from test_refresh import small_book

from addin import doctor
from addin.io import guard

HOLD = """
import sys, time
from pathlib import Path
from addin.io import guard
with guard.exclusive(Path(sys.argv[1]).resolve()):
    print("locked", flush=True)
    time.sleep(60)
"""


def _open_by_this_process(path: Path) -> bool:
    """Whether any file descriptor of this process names ``path`` (Linux: /proc/self/fd)."""
    target = os.path.realpath(path)
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == target:
                return True
        except OSError:
            continue
    return False


def windows_remove(monkeypatch):
    """os.remove / os.unlink as on Windows: a file some handle has open cannot be deleted."""
    real_remove = os.remove

    def remove(p, *a, **kw):
        if _open_by_this_process(Path(p)):
            raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                      "process", str(p))
        return real_remove(p, *a, **kw)

    monkeypatch.setattr(os, "remove", remove)
    monkeypatch.setattr(os, "unlink", remove)


def doctor_line(path: Path) -> doctor.Check:
    return {c.name: c for c in doctor.checks(path, lang="en")}["workbook not open"]


def test_the_lock_records_its_holder_and_doctor_says_a_run_is_working(tmp_path):
    path = small_book(tmp_path)
    with guard.exclusive(path.resolve()):
        info = guard.inspect_lock(path.resolve())
        assert info is not None and info.pid == os.getpid() and info.held and info.alive and not info.stale
        line = doctor_line(path.resolve())
        assert line.ok is False and f"pid {os.getpid()}" in line.detail and "working on it" in line.detail
    assert not guard.lock_name(path.resolve()).exists()
    assert doctor_line(path).detail == "no lock file"


def test_on_windows_the_lock_is_closed_before_it_is_deleted(tmp_path, monkeypatch):
    path = small_book(tmp_path).resolve()
    windows_remove(monkeypatch)
    monkeypatch.setattr(guard, "_WINDOWS", True)
    with guard.exclusive(path):
        assert guard.lock_name(path).exists()
    assert not guard.lock_name(path).exists()
    # the POSIX order (delete while open) on Windows leaves the lock behind: what issue 23 found
    monkeypatch.setattr(guard, "_WINDOWS", False)
    with guard.exclusive(path):
        pass
    assert guard.lock_name(path).exists()
    # …and such a leftover is told from a live lock: nobody holds it
    info = guard.inspect_lock(path)
    assert info is not None and not info.held and info.stale
    line = doctor_line(path)
    assert line.ok is True and "left over" in line.detail and "nobody holds it" in line.detail
    # the next run takes it over and releases it
    monkeypatch.setattr(guard, "_WINDOWS", True)
    assert cli("validate", path).exit_code == 0
    assert not guard.lock_name(path).exists()


def test_a_lock_whose_process_was_killed_is_stale(tmp_path):
    path = small_book(tmp_path).resolve()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        info = guard.inspect_lock(path)
        assert info.pid == holder.pid and info.held and info.alive
        assert doctor_line(path).ok is False
    finally:
        holder.kill()  # killed: no chance to remove its lock file
        holder.wait()
    assert guard.lock_name(path).exists()
    info = guard.inspect_lock(path)
    assert info.pid == holder.pid and info.alive is False and not info.held and info.stale
    line = doctor_line(path)
    assert line.ok is True and "its process has ended" in line.detail and f"pid {holder.pid}" in line.detail
    assert cli("validate", path).exit_code == 0


def test_a_reused_pid_does_not_make_a_lock_live(tmp_path):
    """The pid runs again, but a process started after the lock was taken is not its writer."""
    path = small_book(tmp_path).resolve()
    started = guard._process_started(os.getpid())
    guard.lock_name(path).write_text(f"pid={os.getpid()}\nprocess_started={started - 3600}\nhost=x\n")
    info = guard.inspect_lock(path)
    assert info.alive is None  # another host: the pid says nothing here; the OS lock decides
    guard.lock_name(path).write_text(f"pid={os.getpid()}\nprocess_started={started - 3600}\n")
    info = guard.inspect_lock(path)
    assert info.alive is False and info.stale


def test_an_empty_or_garbled_lock_file_is_judged_by_its_os_lock(tmp_path):
    path = small_book(tmp_path).resolve()
    guard.lock_name(path).write_bytes(b"\x00garbage")
    info = guard.inspect_lock(path)
    assert info.pid is None and info.stale and doctor_line(path).ok is True
