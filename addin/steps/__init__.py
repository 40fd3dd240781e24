"""Job steps. Each reads typed tables from the run, computes with the pure core and
adds bulk writes to the run's plan."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..io.model import Book
from ..loader import Loaded


@dataclass
class Run:
    book: Book
    loaded: Loaded
    plan: Any  # jobs.Plan
    owner: str | None = None
    info: dict[str, Any] = field(default_factory=dict)
    grades: dict[str, str] | None = None  # customer ID → ABC grade

    @property
    def as_of(self) -> dt.date:
        return self.loaded.as_of

    @property
    def lang(self):
        return self.loaded.lang

    @property
    def settings(self):
        return self.loaded.settings

    def table(self, key: str):
        return self.loaded.tables[key]
