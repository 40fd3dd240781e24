"""Parse the next sheets while the caller turns this one into a table.

python-calamine parses a sheet without holding the GIL, so on a machine with two cores the parses
of the next sheets run beside the Python work on this one. Every sheet is checked first, on the
caller's thread (the package checks stream and scan in Python: on a worker they would queue for the
GIL at every chunk): the first, then — while the first parses — all the others (a check holds
little). Parses go to ``workers`` threads, each with a parser of its own (a calamine workbook must
not be used by two threads at once), while fewer than ``depth`` big sheets are under way or waiting
to be taken: memory holds a bounded number of parsed sheets.

A sheet's result is handed over exactly as its check and parse left it: the value, or the
exception, raised where the caller asks for that sheet — so an error surfaces at the same read as
without the workers, and a sheet the caller never asks for raises nothing.
"""
from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

C = TypeVar("C")
T = TypeVar("T")


class ReadAhead(Generic[C, T]):
    """``parse(name, check(name))`` for each of ``names``, ahead of :meth:`take`: the parses under
    way or waiting cover at most ``depth`` sheets for which ``big(name)`` holds (the small ones in
    between cost next to nothing and do not count), on ``workers`` threads."""

    def __init__(self, check: Callable[[str], C], parse: Callable[[str, C], T], names: Sequence[str],
                 big: Callable[[str], bool], depth: int = 2, workers: int = 1) -> None:
        self._check, self._parse, self._big, self._depth = check, parse, big, depth
        self._names = list(dict.fromkeys(names))
        self._at = 0  # the first name not taken yet
        self._started = 0  # the first name not started yet
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="crm-read-ahead")
        self._jobs: dict[str, Future[T] | Exception] = {}
        self._checked: dict[str, C | Exception] = {}
        try:
            self._fill()
            # while the first parses, the rest are checked (checks hold little: parses wait for depth)
            for name in self._names[self._started:]:
                self._checked[name] = self._checking(name)
        except BaseException:  # an interrupt here: the caller never gets the object to stop
            self.stop()
            raise

    def _checking(self, name: str) -> C | Exception:
        try:
            return self._check(name)
        except Exception as exc:  # raised when the caller asks for this sheet
            return exc

    def _fill(self) -> None:
        """Start the next sheets until ``depth`` big ones are under way or waiting."""
        while self._started < len(self._names) and sum(map(self._big, self._jobs)) < self._depth:
            self._start_next()

    def _start_next(self) -> None:
        name = self._names[self._started]
        self._started += 1
        checked = self._checked.pop(name) if name in self._checked else self._checking(name)
        if isinstance(checked, Exception):
            self._jobs[name] = checked
            return
        self._jobs[name] = self._pool.submit(self._parse, name, checked)

    def covers(self, name: str) -> bool:
        """Whether ``name`` is one of the sheets still to be taken."""
        return name in self._names[self._at:]

    def take(self, name: str) -> T:
        """The parse of ``name`` (waiting for it), or its check's or parse's exception raised
        here; then the next sheets are checked and their parses started. Sheets skipped are
        dropped (a parse under way is waited for)."""
        at = self._names.index(name, self._at)
        for skipped in self._names[self._at:at]:
            self._drop(skipped)
        self._at = at + 1
        if name not in self._jobs:  # beyond the sheets started
            self._started = at
            self._start_next()
        job = self._jobs.pop(name)
        if isinstance(job, Exception):
            raise job
        value = job.result()  # the parse's own exception is raised here
        self._fill()
        return value

    def _drop(self, name: str) -> None:
        job = self._jobs.pop(name, None)
        if isinstance(job, Future) and not job.cancel():
            job.exception()  # wait for it: finished either way

    def stop(self) -> None:
        """Wait for the parses under way and end the workers: afterwards nobody else uses what
        ``parse`` uses."""
        for name in list(self._jobs):
            self._drop(name)
        self._pool.shutdown(wait=True, cancel_futures=True)


def give_back_memory() -> None:
    """Return the pages the workers freed to the system (call it once what they made is dropped). glibc gives each thread its own malloc
    arena, and memory calamine freed there is not reused by the main thread's allocations: without
    this a company-scale refresh peaked ~60 MB higher (one worker: 462 → 521 MB; 485 with it)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the process's own symbols: libc's on Linux
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return
    trim(0)
