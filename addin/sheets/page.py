"""A printable page for a customer (对账单, 催款函): rows built top to bottom on a fixed grid, under
the company's letterhead, with the remittance block every page that asks for money carries."""
from __future__ import annotations

import math
from typing import Any

from sheets_schema import Lang

from ..core.company import Company
from ..i18n import pick
from ..writes import OutputSheet, Styled

#: the grid of every customer page: seven columns across an A4 portrait page
WIDTHS = [11, 11, 11, 12, 12, 12, 9]
COLS = len(WIDTHS)
#: about how many characters of width a full-width row holds (a CJK character counts two)
ROW_UNITS = sum(WIDTHS) * 1.05
#: the print scale that fits the grid to an A4 portrait page's width (LibreOffice and Excel)
PRINT_SCALE = 92
#: points of rows one A4 portrait page holds between its margins (0.6 inch top and bottom), as the
#: rows are declared (printed at PRINT_SCALE), a little less for safety
PAGE_HEIGHT = 790.0

L = {
    "no_name": ("（请在“设置”中填写公司名称）", "(set the Company Name in Settings)"),
    "address": ("地址：{v}", "Address: {v}"),
    "phone": ("电话：{v}", "Tel: {v}"),
    "tax_id": ("税号：{v}", "Tax ID: {v}"),
    "remit": ("付款方式", "How to pay"),
    "payee": ("户名", "Payee"),
    "bank": ("开户行", "Bank"),
    "account": ("账号", "Account"),
    "reference": ("付款附言", "Reference"),
    "missing": ("（未设置）", "(not set)"),
    "remit_default": ("请在付款附言中注明单据号。", "Please quote the invoice numbers with your payment."),
}


def t(key: str, lang: Lang, **kw: Any) -> str:
    return pick(L, key, lang, **kw)


def money(x: float) -> str:
    return f"{x:,.2f}"


def text_units(text: str) -> float:
    """The width of ``text`` in column units (a CJK or full-width character is two)."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def lines_needed(text: str, units: float) -> int:
    return sum(max(1, math.ceil(text_units(part) / units)) for part in text.split("\n"))


class Page:
    """Rows, merges and heights of one customer page."""

    def __init__(self) -> None:
        self.rows: list[list[Any]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.heights: dict[int, float] = {}
        self.breaks: list[int] = []

    def add(self, cells: list[Any], merge: list[tuple[int, int]] | None = None, height: float = 18) -> int:
        self.rows.append(cells + [None] * (COLS - len(cells)))
        r = len(self.rows)
        for c1, c2 in merge or []:
            self.merges.append((r, c1, r, c2))
        self.heights[r] = height
        return r

    def blank(self, height: float = 8) -> None:
        self.add([None], height=height)

    def para(self, text: str, style: str = "para", first: int = 1, last: int = COLS, size: float = 11) -> None:
        """A paragraph across columns ``first``..``last``, as tall as its wrapped lines need."""
        units = sum(WIDTHS[first - 1:last]) * (1.05 if size >= 11 else 1.25)
        height = lines_needed(text, units) * (size + 5) + 4
        cells: list[Any] = [None] * (first - 1) + [Styled(text, style)] + [Styled(None, style)] * (last - first)
        self.add(cells, [(first, last)] if last > first else None, height)

    def full(self, text: str, style: str, height: float = 18) -> None:
        self.add([Styled(text, style)] + [Styled(None, style)] * (COLS - 1), [(1, COLS)], height)

    def letterhead(self, co: Company, lang: Lang) -> None:
        """The company's name, then its address, phone and tax ID on one line under a rule."""
        self.full(co.name or t("no_name", lang), "letterhead", 32)
        parts = [t(k, lang, v=v) for k, v in (("address", co.address), ("phone", co.phone), ("tax_id", co.tax_id))
                 if v]
        self.full("    ".join(parts), "letterhead_sub", 20)
        self.blank(10)

    def remittance(self, co: Company, lang: Lang) -> None:
        """户名 / 开户行 / 账号 / 付款附言: where and how the customer pays."""
        self.full(t("remit", lang), "section", 20)
        for key, value in (("payee", co.name), ("bank", co.bank), ("account", co.account),
                           ("reference", co.remittance or t("remit_default", lang))):
            text = value or t("missing", lang)
            height = lines_needed(text, sum(WIDTHS[2:]) * 1.05) * 16 + 4
            self.add([Styled(t(key, lang), "label"), Styled(None, "label"), Styled(text, "box_para")]
                     + [Styled(None, "box_para")] * (COLS - 3), [(1, 2), (3, COLS)], max(18, height))

    def keep_together(self, first: int, last: int) -> None:
        """Rows ``first``..``last`` (1-based) print on one page: a page break goes before them when
        they would straddle two (pages filled row by row, as a spreadsheet prints)."""
        used = 0.0
        for r in range(1, first):
            h = self.heights.get(r, 15)
            used = h if used + h > PAGE_HEIGHT else used + h
        block = sum(self.heights.get(r, 15) for r in range(first, last + 1))
        if used + block > PAGE_HEIGHT and block <= PAGE_HEIGHT:
            self.breaks.append(first - 1)

    def sheet(self, key: str, tab: str) -> OutputSheet:
        # a fixed scale, not "fit to width": Excel ignores manual page breaks on a sheet printed fit-to
        return OutputSheet(key, tab, self.rows, widths=list(WIDTHS), column_styles=["text"] * COLS,
                           merges=self.merges, row_heights=self.heights, row_breaks=list(self.breaks),
                           print_scale=PRINT_SCALE)
