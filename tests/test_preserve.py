"""A user's workbook is never harmed: user cells, unowned parts, VBA and ribbon survive."""
import zipfile

from helpers import CUSTOMERS, cells, cli, digest, part, parts, sheets, write_book
from lxml import etree

from addin.build.workbook import build_workbook, sample_data
from addin.io import package as package_mod

RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


def root_rels(path):
    root = etree.fromstring(parts(path)["_rels/.rels"])
    return {(r.get("Type"), r.get("Target")) for r in root}


def test_user_cells_unchanged_by_validate(tmp_path):
    rows = [list(r) for r in CUSTOMERS]
    rows[2][3] = "12345"  # an error to highlight
    path = write_book(tmp_path / "a.xlsx", sheets(customers=rows))
    names = ["客户资料卡", "销售漏斗", "联系记录", "信用调查", "应收账款", "设置"]
    before = {n: cells(path, n) for n in names}
    assert cli("validate", path).exit_code == 1
    after = {n: cells(path, n) for n in names}
    assert after == before


def test_vba_and_ribbon_survive_byte_identical(tmp_path):
    path = build_workbook(tmp_path / "CRM.xlsm", data=sample_data())
    before = parts(path)
    assert cli("validate", path).exit_code in (0, 1)
    after = parts(path)
    for name in ("xl/vbaProject.bin", "customUI/customUI14.xml", "docProps/core.xml", "xl/theme/theme1.xml"):
        assert after[name] == before[name]
    assert (RIBBON_REL, "customUI/customUI14.xml") in root_rels(path)
    changed = {n for n in before if after.get(n) != before[n]}
    # only the validation sheet, input sheets' highlight rules and styles may change
    assert changed <= {part(path, tab) for tab in ("校验结果", "客户资料卡", "销售漏斗", "联系记录", "信用调查", "应收账款", "设置",
                                                   "收款记录", "订单")} | {"xl/styles.xml"}
    assert (tmp_path / "CRM.xlsm.bak").read_bytes() != path.read_bytes()


def test_crash_mid_write_leaves_file_intact(tmp_path, monkeypatch):
    rows = [list(r) for r in CUSTOMERS]
    rows[2][3] = "12345"
    path = write_book(tmp_path / "a.xlsx", sheets(customers=rows))
    before = digest(path)

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(package_mod, "write_part", boom)
    res = cli("validate", path)
    assert res.exit_code == 2 and "could not save the workbook (disk full)" in res.stderr
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]


def test_saved_zip_is_valid_and_keeps_order(tmp_path):
    path = build_workbook(tmp_path / "CRM.xlsm", data=sample_data())
    names_before = zipfile.ZipFile(path).namelist()
    cli("validate", path)
    z = zipfile.ZipFile(path)
    assert z.testzip() is None
    assert z.namelist()[: len(names_before)] == names_before


def test_backup_is_the_previous_file(tmp_path):
    path = write_book(tmp_path / "a.xlsx", sheets())
    before = path.read_bytes()
    cli("validate", path)
    assert (tmp_path / "a.xlsx.bak").read_bytes() == before


def test_file_mode_kept(tmp_path):
    path = write_book(tmp_path / "a.xlsx", sheets())
    path.chmod(0o640)
    cli("validate", path)
    assert path.stat().st_mode & 0o777 == 0o640


def test_styles_do_not_grow_across_runs(tmp_path):
    path = write_book(tmp_path / "a.xlsx", sheets(customers=[CUSTOMERS[0], CUSTOMERS[1][:3] + ["123"]]))
    cli("refresh", path, "--as-of", "2026-11-24")
    styles = parts(path)["xl/styles.xml"]
    cli("refresh", path, "--as-of", "2026-11-24")
    assert parts(path)["xl/styles.xml"] == styles
