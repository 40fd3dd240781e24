"""The VBA project and the ribbon built from the text sources."""
import re
import struct
import subprocess
import zipfile

import olefile
import pytest
from external import need_soffice
from helpers import cli, parts
from lxml import etree
from oletools.olevba import VBA_Parser, decompress_stream

from addin.actions import ACTIONS
from addin.build import cfb
from addin.build.vba_project import (
    NO_PASSWORD,
    UNPROTECTED,
    VISIBLE,
    _encrypt,
    compress,
    decrypt,
    modules_for,
    sources_dir,
    xlwings_sources,
)
from addin.build.workbook import RIBBON_PART, RIBBON_REL, build_workbook, sample_data

CODES = tuple(f"Sheet{i}" for i in range(1, 11))


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory):
    return build_workbook(tmp_path_factory.mktemp("vba") / "CRM.xlsm", data=sample_data())


def stored(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


@pytest.mark.parametrize("data", [b"", b"x", b"abc" * 1000, bytes(range(256)) * 17, b"a" * 5000,
                                  ("Sub A()\r\n    MsgBox \"hi\"\r\nEnd Sub\r\n" * 40).encode()])
def test_compression_round_trips_through_oletools(data):
    assert bytes(decompress_stream(bytearray(compress(data)))) == data


def test_every_module_round_trips_through_oletools():
    mods = modules_for(list(CODES))
    assert sum(len(m.source) > 650 for m in mods) >= 2  # long modules: where a wrong copy-token length shows
    for m in mods:
        raw = m.source.encode("cp1252")
        assert bytes(decompress_stream(bytearray(compress(raw)))) == raw, m.name


def test_olevba_reads_back_every_module_equal_to_the_sources(xlsm):
    vp = VBA_Parser(str(xlsm))
    got = {name: code for (_, _, name, code) in vp.extract_macros()}
    xlw, _ = xlwings_sources()
    assert got["xlwings.bas"] == stored(xlw)
    for path in sources_dir().glob("*.bas"):
        assert got[path.name] == stored(path.read_text(encoding="ascii"))
    assert got["ThisWorkbook.cls"].startswith('Attribute VB_Name = "ThisWorkbook"\r\nAttribute VB_Base = "0{00020819')
    for code in CODES:
        assert f'Attribute VB_Name = "{code}"' in got[f"{code}.cls"]
    assert 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"' in got["Dictionary.cls"]
    assert "VERSION 1.0 CLASS" not in got["Dictionary.cls"]
    assert "Public Sub OnRibbonAction(control As IRibbonControl)" in got["CRMRibbon.bas"]


def test_sheet_code_names_match_the_vba_document_modules(xlsm):
    p = parts(xlsm)
    assert b'codeName="ThisWorkbook"' in p["xl/workbook.xml"]
    for i in range(1, 11):
        assert f'codeName="Sheet{i}"'.encode() in p[f"xl/worksheets/sheet{i}.xml"]


def test_project_stream_and_protection_records(xlsm):
    ole = olefile.OleFileIO(zipfile.ZipFile(xlsm).read("xl/vbaProject.bin"))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    assert "Document=ThisWorkbook/&H00000000" in text and "Module=CRMRibbon" in text and "Class=Dictionary" in text
    found = dict(re.findall(r'(CMG|DPB|GC)="([0-9A-F]+)"', text))
    assert decrypt(found["CMG"]) == UNPROTECTED and decrypt(found["DPB"]) == NO_PASSWORD
    assert decrypt(found["GC"]) == VISIBLE
    assert ole.openstream("VBA/_VBA_PROJECT").read() == struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 0)
    for seed in range(256):  # the decryption is checked against Excel's own files in test_excel_encryption
        assert decrypt(_encrypt(b"\x01\x02\x03", seed)) == b"\x01\x02\x03"


def test_excel_encryption_sample():
    # CMG / DPB / GC of an Excel-made, unprotected project (xlwings' quickstart workbook)
    assert decrypt("8D8FA61394EA98EA98EA98EA98") == UNPROTECTED
    assert decrypt("8D8FA61394EF95EF95EF") == NO_PASSWORD
    assert decrypt("8D8FA61394EF95EF9510") == VISIBLE


def _black_heights(entries, sid):
    if sid == cfb.NOSTREAM:
        return {1}
    e = entries[sid]
    below = _black_heights(entries, e["left"]) | _black_heights(entries, e["right"])
    if e["color"] == cfb.RED:
        for child in (e["left"], e["right"]):
            assert child == cfb.NOSTREAM or entries[child]["color"] == cfb.BLACK
    return {h + (e["color"] == cfb.BLACK) for h in below}


def test_cfb_directory_is_a_valid_red_black_tree():
    data = cfb.write_cfb({f"S/{n}": n.encode() * 50 for n in ("a", "bb", "c", "dd", "eee", "f", "gg")}
                         | {"PROJECT": b"x" * 5000})
    ole = olefile.OleFileIO(data)
    assert ole.openstream("PROJECT").read() == b"x" * 5000
    assert ole.openstream("S/gg").read() == b"gg" * 50
    entries = [{"left": d.sid_left, "right": d.sid_right, "color": d.color}
               for d in ole.direntries if d is not None]
    for d in ole.direntries:
        if d is not None and d.sid_child != cfb.NOSTREAM:
            assert len(_black_heights(entries, d.sid_child)) == 1


def test_ribbon_part_relationship_and_buttons(xlsm):
    p = parts(xlsm)
    rels = etree.fromstring(p["_rels/.rels"])
    assert (RIBBON_REL, RIBBON_PART) in {(r.get("Type"), r.get("Target")) for r in rels}
    ui = etree.fromstring(p[RIBBON_PART])
    ns = {"c": "http://schemas.microsoft.com/office/2009/07/customui"}
    assert ui.find(".//c:tab", ns).get("label") == "客户管理"
    buttons = ui.findall(".//c:button", ns)
    assert [b.get("id") for b in buttons] == list(ACTIONS)
    for b in buttons:
        assert b.get("onAction") == "CRMRibbon.OnRibbonAction" and b.get("imageMso")
        assert b.get("label") == ACTIONS[b.get("id")][0] and b.get("supertip") == ACTIONS[b.get("id")][1]


def test_english_ribbon(tmp_path):
    ui = etree.fromstring(parts(build_workbook(tmp_path / "en.xlsm", lang="en"))[RIBBON_PART])
    ns = {"c": "http://schemas.microsoft.com/office/2009/07/customui"}
    assert ui.find(".//c:tab", ns).get("label") == "CRM"
    assert ui.find(".//c:button", ns).get("supertip").startswith("Check every input sheet")


def test_vba_and_ribbon_survive_a_headless_refresh_byte_identical(tmp_path, xlsm):
    path = tmp_path / "CRM.xlsm"
    path.write_bytes(xlsm.read_bytes())
    before = parts(path)
    assert cli("refresh", path, "--as-of", "2026-11-02").exit_code == 0
    after = parts(path)
    for name in ("xl/vbaProject.bin", RIBBON_PART, "_rels/.rels"):
        assert after[name] == before[name], name
    # content types: every registration kept (the VBA project's among them); 看板's charts add theirs
    kept = etree.fromstring(before["[Content_Types].xml"])
    now = {(el.get("PartName") or el.get("Extension"), el.get("ContentType"))
           for el in etree.fromstring(after["[Content_Types].xml"])}
    assert {(el.get("PartName") or el.get("Extension"), el.get("ContentType")) for el in kept} <= now


def test_libreoffice_opens_the_xlsm_and_imports_the_modules(tmp_path, xlsm):
    need_soffice()
    import shutil

    work = tmp_path / "lo"
    work.mkdir()
    shutil.copy(xlsm, work / "CRM.xlsm")
    env = {"HOME": str(work), "PATH": "/usr/bin:/bin"}
    for fmt in ("pdf", "ods"):
        proc = subprocess.run(["soffice", "--headless", "--convert-to", fmt, "--outdir", str(work),
                               str(work / "CRM.xlsm")], capture_output=True, text=True, timeout=180, env=env)
        assert proc.returncode == 0, proc.stderr
    assert (work / "CRM.pdf").read_bytes().startswith(b"%PDF")
    names = zipfile.ZipFile(work / "CRM.ods").namelist()
    assert "Basic/VBAProject/CRMRibbon.xml" in names and "Basic/VBAProject/xlwings.xml" in names
    basic = zipfile.ZipFile(work / "CRM.ods").read("Basic/VBAProject/CRMRibbon.xml").decode()
    assert "addin.ribbon.dispatch" in basic
