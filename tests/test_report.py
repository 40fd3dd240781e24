"""The run report: one record per command, rendered by the CLI (text in the workbook's language),
the ribbon (its message box) and `--json` on every command (docs/report.md)."""
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from fake_xlwings import FakeBook
from helpers import cli
from test_refresh import AS_OF, small_book

from addin import ribbon
from addin.actions import ACTIONS
from addin.cli import app
from addin.report import SCHEMA_VERSION, RunReport, json_schema
from addin.report_text import summary_lines

DOCS = Path(__file__).resolve().parent.parent / "docs"
KEYS = {"schema_version", "command", "workbook", "lang", "as_of", "exit_code", "error", "issues", "steps", "lines",
        "tables", "written", "seconds", "timings", "errors", "warnings"}


def report(res) -> dict:
    """The JSON report a command printed: stdout is the report and nothing else."""
    data = json.loads(res.stdout)
    assert set(data) == KEYS and data["schema_version"] == SCHEMA_VERSION
    RunReport.model_validate({k: v for k, v in data.items() if k not in ("errors", "warnings")})
    assert data["exit_code"] == res.exit_code
    return data


def stable(data: dict) -> dict:
    """The report without what changes from run to run (times) or machine to machine (the path)."""
    return {k: v for k, v in data.items() if k not in ("seconds", "timings", "workbook")}


def test_refresh_report_whole(tmp_path):
    path = small_book(tmp_path)
    res = cli("refresh", path, "--json")
    assert res.exit_code == 0, res.output
    data = report(res)
    assert data["workbook"] == str(path) and set(data["timings"]) == {"read", "validate", "compute"}
    zero_aging = {"as_of": "2026-11-24", "basis": "due", "bounds": [30, 60, 90, 180, 365], "outstanding": 0.0,
                  "not_due": 0.0, "overdue": 0.0, "buckets": [0.0] * 6, "recoverable": 0.0, "allowance": 0.0,
                  "customers": 0, "over_limit": 0, "dso": None}
    no_miss = {"A": 0, "B": 0, "C": 0}
    assert stable(data) == {
        "schema_version": 1, "command": "refresh", "lang": "zh", "as_of": "2026-11-24", "exit_code": 0,
        "error": None, "errors": 0, "warnings": 1,
        "issues": [{"severity": "warning", "sheet": "销售漏斗", "cell": "G2", "row": 2, "col": 7, "column": "预计金额",
                    "value": "", "code": "stage_without_amount", "message": "销售进程 5 但没有预计金额"}],
        "steps": [
            # C1 600k and C2 300k make 90 % of 1,000,000 (A); C3 80k (B); C4 20k and C5 0 (C)
            {"step": "grades", "figures": {"grades": {"A": 2, "B": 1, "C": 2}}},
            {"step": "aging", "figures": zero_aging},  # no invoices
            {"step": "credit", "figures": {"assessed": 0, "resurvey_due": 0}},  # no surveys
            {"step": "orders", "figures": {"orders": 0, "open": 0, "checks": {
                "pass": 0, "over_limit": 0, "overdue_hold": 0, "needs_approval": 0}}},
            # 张伟: C1 (planned call overdue) and C3 (never contacted) — C2 was visited 2 days ago;
            # 李娜: C5 (C4 abandoned the deal); the month: 张伟 reached C1 and C2 of his 3
            {"step": "calls", "figures": {
                "harvested": 0, "lists": {"张伟": 2, "李娜": 1},
                "month": {"张伟": {"contacted": 2, "book": 3, "days_left": 5, "undone": 0, "missed": no_miss},
                          "李娜": {"contacted": 0, "book": 1, "days_left": 5, "undone": 0, "missed": no_miss}}}},
        ],
        "lines": [], "tables": [],
        "written": [{"kind": "sheet", "name": n, "count": None} for n in
                    ("客户资料卡", "应收账款", "信用调查", "订单", "销售漏斗", "账龄分析", "今日拨打", "变更记录", "CRM快照", "看板",
                     "CRM每日指标", "校验结果")],
    }


def test_calls_report_lists_the_call_list_and_the_text_says_it_in_chinese(tmp_path):
    path = small_book(tmp_path)
    data = report(cli("calls", path, "--owner", "张伟", "--json"))
    assert [s["step"] for s in data["steps"]] == ["grades", "calls"]  # what was asked, not what it needed
    (table,) = data["tables"]
    assert table["key"] == "calls" and table["title"] == "张伟 · 2026-11-24"
    assert table["columns"] == ["rank", "customer_id", "name", "phone", "grade", "score", "reasons"]
    assert [row[:5] for row in table["rows"]] == [[1, "C1", "C1公司", "13812345678", "A"],
                                                  [2, "C3", "C3公司", "13812345678", "B"]]
    text = cli("calls", small_book(tmp_path, "again.xlsx"), "--owner", "张伟").output
    lines = text.splitlines()
    assert lines[0].startswith("again.xlsx：0 个错误，1 个警告（")
    assert lines[1:5] == ["ABC 分级：A 2 户（40%），B 1 户（20%），C 2 户（40%）", "已从拨打清单记入联系记录 0 条",
                          "拨打清单：张伟 2", "本月已联系 张伟 2/3 · 剩余 5 个工作日"]
    assert "客户编号" in text and "C1公司" in text


def test_an_english_workbook_gets_english_text(tmp_path):
    from addin.build.workbook import build_workbook

    path = build_workbook(tmp_path / "en.xlsx", lang="en", settings={"as_of": AS_OF})
    res = cli("refresh", path)
    assert res.exit_code == 0, res.output
    assert res.output.startswith("en.xlsx: 0 errors, 0 warnings (")
    assert "Call lists: none" in res.output and "拨打" not in res.output
    assert report(cli("refresh", path, "--json"))["lang"] == "en"


def test_unusable_input_is_a_report_too(tmp_path):
    missing = tmp_path / "nope.xlsx"
    res = cli("aging", missing, "--json")
    data = report(res)
    assert res.exit_code == 2 and data["error"] == f"{missing}: file not found"
    assert data["steps"] == [] and data["issues"] == [] and data["written"] == []
    assert res.stderr.strip() == f"crm: {missing}: file not found"  # the one line, for a person
    bad_date = cli("validate", small_book(tmp_path), "--as-of", "someday", "--json")
    assert bad_date.exit_code == 2 and report(bad_date)["error"] == "--as-of: not a date: 'someday' (use 2025-03-05)"


def test_a_bug_is_one_line_and_a_log_not_a_traceback(tmp_path, monkeypatch):
    from addin import commands

    monkeypatch.setattr(commands, "report_of", lambda *a, **k: 1 / 0)
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    res = cli("validate", small_book(tmp_path), "--json")
    data = report(res)
    assert res.exit_code == 2 and data["error"].startswith("internal error (ZeroDivisionError): division by zero")
    assert "Traceback" not in res.output and "Traceback" in (tmp_path / "crm-addin-error.log").read_text()


#: one invocation per command that runs quickly and reports (its workbook given last when it takes one)
def invocations(tmp_path: Path) -> dict[str, list]:
    book = small_book(tmp_path)
    missing = tmp_path / "missing.xlsx"
    return {
        "validate": [book], "refresh": [book], "calls": [book], "credit-form": [book, "C1"], "aging": [book],
        "check-orders": [book], "statement": [book, "C1"], "statements": [missing, "--pdf", tmp_path / "pdf"],
        "letters": [missing, "--pdf", tmp_path / "pdf"], "send": [book, "--statements", "--dry-run"],
        "new": [tmp_path / "new.xlsx"], "update-vba": [missing], "setup": [missing], "doctor": [],
        "plan": [book, "--as-of", AS_OF.isoformat()],
        "demo": ["--customers", 20, "--out", tmp_path / "demo.xlsx", "--as-of", AS_OF.isoformat()],
        "collect": [book, "--db", tmp_path / "team.sqlite"],
        "team": ["--db", tmp_path / "none.sqlite", "--out", tmp_path / "team.xlsx"],
    }


def test_every_command_takes_json_and_prints_the_report(tmp_path):
    commands = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands}
    runs = invocations(tmp_path)
    assert commands == set(runs)  # a new command gets an invocation here
    for name, args in runs.items():
        res = cli(name, *args, "--json")
        data = report(res)
        assert data["command"] == name and res.exit_code in (0, 1, 2), (name, res.output)
        # a run that stopped says why in one line (exit 2, or exit 1 for data that do not allow it)
        assert (data["error"] is not None) == (res.stderr.strip() != ""), (name, data)
        assert data["error"] is None or res.exit_code in (1, 2), (name, data)
        assert res.exit_code != 2 or data["error"], (name, data)
    # a command's error carries its one line; a successful run says what it did
    assert report(cli("statement", small_book(tmp_path, "s.xlsx"), "C9", "--json"))["error"].endswith(
        "customer C9 not found in sheet '客户资料卡'")
    created = report(cli("new", tmp_path / "other.xlsm", "--json"))
    assert created["written"] == [{"kind": "file", "name": str(tmp_path / "other.xlsm"), "count": None}]
    assert [x["key"] for x in created["lines"]][:1] == ["created"]


def test_json_schema_is_the_documented_one():
    """docs/report.schema.json is the schema; a change to the report changes it (and SCHEMA_VERSION
    when a field is renamed, removed or changes meaning)."""
    assert json.loads((DOCS / "report.schema.json").read_text(encoding="utf-8")) == json_schema()


@pytest.mark.parametrize("action,command", [("calls", "calls"), ("aging", "aging"), ("check_orders", "check-orders")])
def test_ribbon_and_cli_render_the_same_report(tmp_path, action, command):
    from test_orders import orders_book

    original = orders_book(tmp_path)
    copy = tmp_path / "copy.xlsx"
    shutil.copy(original, copy)
    res = cli(command, copy, "--json")
    data = report(res)
    book = FakeBook(original)
    assert ribbon.dispatch(action, book), book.app.alerts
    mode, text = book.app.alerts[-1]
    from_cli = RunReport.model_validate({k: v for k, v in data.items() if k not in ("errors", "warnings")})
    label = ACTIONS[action][0]
    assert mode == "info" and text == ribbon.message(from_cli, label)
    lines = summary_lines(from_cli)
    assert lines and text.splitlines()[1:1 + len(lines)] == lines
    shutil.copy(original, copy)
    printed = cli(command, copy).output.splitlines()
    assert printed[1:1 + len(lines)] == lines  # under the CLI's first line, the same lines


def test_as_of_is_a_date_in_json(tmp_path):
    data = report(cli("validate", small_book(tmp_path), "--json"))
    assert dt.date.fromisoformat(data["as_of"]) == AS_OF
