"""设置 is declared once (sheets_schema.settings.Params): the typed Settings, the template's 设置 sheet
and docs/rules.md's table are made from or checked against those declarations (issue 20)."""
from __future__ import annotations

import datetime as dt
import typing
from pathlib import Path

import pydantic
import pytest
from helpers import read_sheet

from addin.build.workbook import build_workbook
from addin.core.settings import Settings, default_text, parse_param
from sheets_schema.settings import ASCENDING, PARAMS, Params, Parser, scoped


def test_settings_has_exactly_one_typed_field_per_declaration():
    hints = typing.get_type_hints(Params)
    # besides them, one field not a parameter row: the 节假日 table below the parameters
    params = [k for k in Settings.model_fields if k != "holidays"]
    assert params == [p.key for p in PARAMS] == list(hints) and "holidays" in Settings.model_fields
    for prm in PARAMS:
        field = Settings.model_fields[prm.key]
        assert field.annotation == hints[prm.key], prm.key
        assert field.default == (None if prm.default is None else parse_param(prm, prm.default)), prm.key


def test_unknown_keys_are_refused_and_values_are_typed():
    with pytest.raises(pydantic.ValidationError):
        Settings(no_such_param=5)
    with pytest.raises(pydantic.ValidationError):
        Settings(daily_quota="many")
    s = Settings(daily_quota=30, as_of=dt.date(2026, 11, 24))
    assert (s.daily_quota, s.as_of_or_today(), s.interval("B"), s.interval(None)) == (30, dt.date(2026, 11, 24), 14, 30)
    with pytest.raises(pydantic.ValidationError):
        s.daily_quota = 1  # frozen


def test_each_parameter_reads_its_cell_by_its_declared_parser():
    by_parser = {prm.parser for prm in PARAMS}
    assert by_parser == set(Parser), "every parser is used by some parameter"
    got = {prm.key: parse_param(prm, text) for prm, text in [
        (Params.__dict__["aging_buckets"], "30，60、90"),
        (Params.__dict__["dunning_levels"], "15,45"),
        (Params.__dict__["recovery_rates"], "90:100%,20%"),
        (Params.__dict__["stage_probability"], "4:40%,5:70%"),
        (Params.__dict__["daily_quota"], "45"),
    ]}
    assert got == {"aging_buckets": (30, 60, 90), "dunning_levels": (15, 45), "recovery_rates": ((90, 1.0), (None, 0.2)),
                   "stage_probability": (0, 0, 0, 0, 0.4, 0.7, 0, 0), "daily_quota": 45}


def test_order_rules_and_scope_are_declared_on_the_parameters():
    assert ASCENDING == (("abc_a_sales", "abc_b_sales"), ("abc_a_count", "abc_b_count"),
                         ("limit_account_manager", "limit_direct_sales", "limit_regional"))
    assert scoped("aging") == ("as_of", "aging_buckets", "aging_basis", "recovery_rates", "dunning_levels")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_settings_sheet_is_the_declarations(tmp_path, lang):
    path = build_workbook(tmp_path / "CRM.xlsm", lang=lang)
    rows = read_sheet(path, "设置" if lang == "zh" else "Settings")[1:len(PARAMS) + 1]  # the 节假日 table below
    assert [r[0] for r in rows] == [p.label(lang) for p in PARAMS]
    assert [r[2] or "" for r in rows] == [p.note(lang) for p in PARAMS]
    for prm, row in zip(PARAMS, rows):
        # the value the template shows reads back as the declared default
        want = None if prm.default is None else parse_param(prm, prm.default)
        assert (None if row[1] is None else parse_param(prm, row[1])) == want, prm.key


def test_rules_doc_table_is_the_declarations():
    doc = (Path(__file__).parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    section = doc.split("## 设置 (Settings)", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| ")][2:]
    blank = {"as_of": "（今天）", "remittance": "（空）"}
    want = [f"| {p.zh} | {p.en} | {default_text(p) or blank.get(p.key, '（空）')} | {p.note_zh} |".replace("|  |", "| |")
            for p in PARAMS]
    assert [line.replace("|  |", "| |") for line in table] == want
