"""The run report: what one command did, as data — one record the CLI prints, the ribbon shows in
its message box and ``crm … --json`` writes (docs/report.md documents the schema).

Everything in it is plain, language-neutral data: the issues (each with its message in the
workbook's language, as written to 校验结果), each step's figures (:class:`StepSummary`, given by
the step's own ``summary``), the sentences a command adds (:class:`Line`: a catalogue key and its
values), detail tables, what was written, and the exit code (0 ok, 1 data problems, 2 unusable
input). The words come from ``addin/report_text.py``, in the report's language.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from .issues import Issue

#: bumped when a field is renamed or removed or changes meaning (adding a field keeps the version)
SCHEMA_VERSION = 1

EXIT_OK = 0
EXIT_DATA = 1
EXIT_UNUSABLE = 2

Value = str | int | float | bool | None | dt.date | list[Any] | dict[str, Any]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IssueRecord(_Model):
    """An issue of the workbook (a row of 校验结果)."""

    severity: Literal["error", "warning"]
    sheet: str
    cell: str  # "B7"; a row number alone when the column is unknown; "" for the whole sheet
    row: int | None
    col: int | None
    column: str
    value: str
    code: str
    message: str

    @classmethod
    def of(cls, x: Issue) -> IssueRecord:
        return cls(severity=x.severity, sheet=x.sheet, cell=x.cell, row=x.row, col=x.col, column=x.column,
                   value=x.value, code=x.code, message=x.message)


class StepSummary(_Model):
    """One step's figures (``Step.summary`` of the step's fact), e.g. ``grades``: ``{"A": 2, …}``."""

    step: str
    figures: dict[str, Value]


class Line(_Model):
    """A sentence of the report as data: the catalogue key (``report_text.TEXT``) and its values."""

    key: str
    values: dict[str, Value] = Field(default_factory=dict)


class TableData(_Model):
    """Rows a command lists (today's call list, the held orders, …); ``columns`` are keys."""

    key: str
    title: str = ""
    columns: list[str]
    rows: list[list[Value]]


class Written(_Model):
    """Something the run wrote: a sheet of the workbook, a file, a folder of files, a database."""

    kind: Literal["sheet", "file", "folder", "database"]
    name: str
    count: int | None = None  # files in a folder


class RunReport(_Model):
    schema_version: int = SCHEMA_VERSION
    command: str
    workbook: str | None = None  # the path as given
    lang: Literal["zh", "en"] = "zh"
    as_of: dt.date | None = None
    exit_code: int = EXIT_OK
    #: why the run stopped, one line (exit 1: a data problem; exit 2: input the tool cannot use)
    error: str | None = None
    issues: list[IssueRecord] = Field(default_factory=list)
    steps: list[StepSummary] = Field(default_factory=list)
    lines: list[Line] = Field(default_factory=list)
    tables: list[TableData] = Field(default_factory=list)
    written: list[Written] = Field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = Field(default_factory=dict)

    @computed_field
    @property
    def errors(self) -> int:
        return sum(x.severity == "error" for x in self.issues)

    @computed_field
    @property
    def warnings(self) -> int:
        return sum(x.severity == "warning" for x in self.issues)

    def say(self, key: str, /, **values: Value) -> RunReport:
        self.lines.append(Line(key=key, values=values))
        return self

    def wrote(self, kind: Literal["sheet", "file", "folder", "database"], name: str,
              count: int | None = None) -> RunReport:
        self.written.append(Written(kind=kind, name=name, count=count))
        return self

    def step(self, name: str) -> dict[str, Value] | None:
        """The figures of step ``name``, or None when it did not run."""
        return next((s.figures for s in self.steps if s.step == name), None)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


def json_schema() -> dict[str, Any]:
    """The report's JSON Schema (what docs/report.md documents)."""
    return RunReport.model_json_schema(mode="serialization")
