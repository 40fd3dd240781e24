"""The ``xlwings.conf`` sheet: which Python the ribbon's RunPython starts.

xlwings 0.37.8 reads it in ``GetConfigFromSheet`` (xlwings.bas): column A from A1 down to the
last cell before the first empty one (``Range("A1").End(xlDown)``), each key upper-cased into a
dictionary (``d.Add``: a repeated key is an error), the value from column B; ``GetConfig`` then
expands environment variables in the value. The shipped workbooks carry the sheet with the
python.org install locations; ``crm setup`` writes this PC's Python into it, in place.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import PureWindowsPath
from typing import Any

from sheets_schema import Lang

from ..i18n import word

CONF_SHEET = "xlwings.conf"
KEYS = ("Interpreter_Win", "Interpreter_Mac")
#: where python.org's installers put Python: per user on Windows (3.11, as the guide asks), and the
#: /usr/local/bin links of the macOS installer's "Unix command-line tools"
PYTHON_ORG = {"Interpreter_Win": r"%LOCALAPPDATA%\Programs\Python\Python311\pythonw.exe",
              "Interpreter_Mac": "/usr/local/bin/python3"}


def interpreters(platform: str = sys.platform, executable: str = sys.executable) -> dict[str, str]:
    """Interpreter_Win / Interpreter_Mac: the running Python on its own system (pythonw on
    Windows: no console window), the python.org install's path on the other."""
    out = dict(PYTHON_ORG)
    if platform.startswith("win"):
        exe = PureWindowsPath(executable)
        out["Interpreter_Win"] = str(exe.with_name("pythonw.exe")) if exe.name.lower() == "python.exe" else executable
    elif platform == "darwin":
        out["Interpreter_Mac"] = executable
    return out


#: what the shell of `do shell script` splits or interprets, and the "|" the AppleScript splits its
#: one parameter on (xlwings-0.37.8.applescript lines 5-7: the interpreter is put unquoted first
#: in the shell command)
_SHELL_UNSAFE = re.compile(r"""[\s"'\\$`;&|<>()*?\[\]#!{}]""")
MAC_LINK = "/Users/Shared/crm-python3"


def mac_unsafe(path: str) -> str | None:
    """The first character of an Interpreter_Mac value that breaks RunPython on a Mac, or None.

    VBA's ExecuteMac hands the value (through ToPosixPath) to xlwings-0.37.8.applescript, which
    builds ``PythonInterpreter & " -B -u -W ignore -c …"`` and runs it with ``do shell script``:
    unquoted, so "/Users/Zhang Wei/…/python3" runs "/Users/Zhang". Quoting it in the sheet does not
    help: ToPosixPath wraps the value in double quotes inside an AppleScript string literal
    (xlwings.bas, ``MacScript("return POSIX path of (" & Chr(34) & MacPath & Chr(34) & ") as string")``),
    where a quote of its own ends the literal."""
    # a leading $HOME (or another variable) is expanded by VBA first (xlwings.bas,
    # ExpandEnvironmentStrings on the Mac): check what follows; the doctor checks the expansion
    m = _SHELL_UNSAFE.search(re.sub(r"^\$\w+(?=/|$)", "", path))
    return m.group(0) if m else None


def mac_fix(path: str, lang: str = "en") -> str:
    """What to do about an Interpreter_Mac that :func:`mac_unsafe` refuses, in words."""
    return str(word(lang,
                    f"建一个不带空格的链接，让 Interpreter_Mac 指向它：ln -s '{path}' {MAC_LINK}，然后把 {MAC_LINK} "
                    f"写进 xlwings.conf 表的 B 列（或者从 python.org 安装 Python：/usr/local/bin/python3）",
                    f"make a link without spaces and point Interpreter_Mac at it: ln -s '{path}' {MAC_LINK}, then "
                    f"write {MAC_LINK} into column B of the xlwings.conf sheet (or install Python from python.org: "
                    "/usr/local/bin/python3)"))


def comment(lang: Lang) -> str:
    """The row below the keys: how the values get there (read by xlwings as one more key, unused)."""
    return word(lang,
                "# B 列是按钮启动的 Python。crm setup 工作簿.xlsm 会写入本机 Python 的完整路径（Windows 为 "
                "pythonw.exe），其他行保持不变；也可以手工修改。xlwings 从 A1 往下读到第一个空行为止，中间不要留空行。",
                "# Column B is the Python the buttons start. crm setup WORKBOOK.xlsm writes this PC's Python "
                "there (pythonw.exe on Windows) and keeps every other row; you may also edit it by hand. xlwings "
                "reads from A1 down to the first empty row: leave no empty row in between.")


def rows(values: dict[str, str], lang: Lang) -> list[tuple[str, str | None]]:
    return [(k, values[k]) for k in KEYS] + [(comment(lang), None)]


def read_block(grid: Sequence[Sequence[Any]]) -> tuple[dict[str, str], list[str], int]:
    """The settings as xlwings reads them: (UPPER-CASED key → value, keys found twice, rows read).

    Column A from A1 down to the first empty cell; ``d.Add UCase(key)`` in GetConfigFromSheet
    makes a repeated key an error (RunPython then fails before it starts Python)."""
    conf: dict[str, str] = {}
    repeated: list[str] = []
    n = 0
    for row in grid:
        key = row[0] if row else None
        if key is None or key == "":
            break
        n += 1
        k = str(key).upper()
        if k in conf:
            repeated.append(str(key))
            continue
        value = row[1] if len(row) > 1 and row[1] is not None else ""
        conf[k] = str(value)
    return conf, repeated, n


__all__ = ["CONF_SHEET", "KEYS", "MAC_LINK", "PYTHON_ORG", "comment", "interpreters", "mac_fix", "mac_unsafe",
           "read_block", "rows"]
