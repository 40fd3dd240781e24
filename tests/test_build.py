import openpyxl
import pytest
from helpers import cli, parts, read_sheet

import sheets_schema as S
from addin.build.workbook import build_workbook, sample_data
from sheets_schema.settings import PARAMS


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_workbook(tmp_path_factory.mktemp("b") / "CRM.xlsm", data=sample_data())


def test_two_builds_identical(tmp_path, template):
    again = build_workbook(tmp_path / "CRM.xlsm", data=sample_data())
    assert again.read_bytes() == template.read_bytes()


def test_macro_enabled_content_type(template):
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in parts(template)["[Content_Types].xml"]


def test_every_sheet_with_headers_notes_and_dropdowns(template):
    wb = openpyxl.load_workbook(template)
    assert set(wb.sheetnames) == {s.zh for s in S.ALL_SHEETS} | {"xlwings.conf"}  # a macro workbook: + the interpreter
    for spec in S.INPUT_SHEETS:
        ws = wb[spec.zh]
        assert [c.value for c in ws[1]][: len(spec.columns)] == spec.headers("zh")
        assert ws.freeze_panes == "A2"
        for i, column in enumerate(spec.columns, start=1):
            cell = ws.cell(1, i)
            assert cell.font.b
            fill = cell.fill.fgColor.rgb[-6:]
            assert fill == ("E7E6E6" if column.computed else "DDEBF7"), column.key
            if column.computed:
                assert "插件" in cell.comment.text
        if spec.key == "settings":
            continue
        dv_cols = {str(dv.sqref).split(":")[0].rstrip("0123456789") for dv in ws.data_validations.dataValidation}
        want = {openpyxl.utils.get_column_letter(i) for i, c in enumerate(spec.columns, 1)
                if c.choices and not c.computed}
        assert dv_cols == want, spec.key


def test_number_formats(template):
    ws = openpyxl.load_workbook(template)["应收账款"]
    assert ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["E2"].number_format == "#,##0.00"


def test_settings_prefilled_with_defaults(template):
    rows = read_sheet(template, "设置")
    assert rows[0][:2] == ("参数", "值")
    got = {r[0]: r[1] for r in rows[1:]}
    assert got["每日拨打配额"] == 60 and got["A类累计销售占比"] == 0.8 and got["回收率"].startswith("60:100%")
    assert [r[0] for r in rows[1:len(PARAMS) + 1]] == [p.zh for p in PARAMS]
    # below them, after a blank row, the 节假日 table's header (its rows are the user's)
    assert rows[len(PARAMS) + 2][:2] == ("节假日", "放假 / 上班") and len(rows) == len(PARAMS) + 3


def test_sample_is_valid(tmp_path, template):
    path = tmp_path / "x.xlsm"
    path.write_bytes(template.read_bytes())
    assert cli("validate", path, "--as-of", "2026-11-02").exit_code == 0
    assert len(read_sheet(path, "客户资料卡")) == 31


def test_english_variant(tmp_path):
    path = build_workbook(tmp_path / "en.xlsm", lang="en", data=sample_data())
    wb = openpyxl.load_workbook(path)
    assert "Customers" in wb.sheetnames and "Settings" in wb.sheetnames
    assert wb["Funnel"]["B1"].value == "Stage"
    assert wb["Customers"]["F2"].value in {"State-owned", "Private", "Foreign", "Individual", "Other"}


def test_crm_new(tmp_path):
    path = tmp_path / "blank.xlsm"
    assert cli("new", path).exit_code == 0
    assert read_sheet(path, "客户资料卡")[1:] == []
    res = cli("new", path)
    assert res.exit_code == 2 and "already exists" in res.stderr
    assert cli("new", tmp_path / "en.xlsx", "--lang", "en").exit_code == 0
    assert "Customers" in openpyxl.load_workbook(tmp_path / "en.xlsx").sheetnames


def test_committed_workbooks_match_a_fresh_build(tmp_path):
    """workbook/CRM.xlsm is rebuilt whenever the schema, VBA or ribbon sources change."""
    from pathlib import Path

    from oletools.olevba import VBA_Parser

    root = Path(__file__).resolve().parent.parent / "workbook"
    for name, lang in (("CRM.xlsm", "zh"), ("CRM-en.xlsm", "en")):
        fresh = parts(build_workbook(tmp_path / name, lang=lang, data=sample_data()))
        committed = parts(root / name)
        assert fresh.keys() == committed.keys()
        for part in fresh:
            if part != "xl/vbaProject.bin":
                assert fresh[part] == committed[part], (name, part)

        def modules(path):  # the xlwings module follows the installed xlwings version
            return {n: c for _, _, n, c in VBA_Parser(str(path)).extract_macros() if n != "xlwings.bas"}
        assert modules(tmp_path / name) == modules(root / name)
