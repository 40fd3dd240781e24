import datetime as dt

import pytest

from addin.core import parse as p
from sheets_schema.customers import OWNERSHIP
from sheets_schema.funnel import STAGE


@pytest.mark.parametrize("raw, expected", [
    ("12,345.50", 12345.5),
    ("１２３４", 1234.0),
    ("1.2万", 12000.0),
    ("0.5万", 5000.0),
    ("3亿", 300000000.0),
    ("15%", 0.15),
    ("  42  ", 42.0),
    ("¥1,200", 1200.0),
    ("(500)", -500.0),
    ("１，２００．５", 1200.5),
    (7, 7.0),
    (2.5, 2.5),
    (None, None),
    ("", None),
    ("   ", None),
])
def test_numbers(raw, expected):
    assert p.parse_number(raw) == pytest.approx(expected) if expected is not None else p.parse_number(raw) is None


@pytest.mark.parametrize("raw", ["abc", "12,34", "1.2.3", "万", "--5", True, dt.date(2025, 1, 1)])
def test_not_numbers(raw):
    with pytest.raises(p.ParseError) as exc:
        p.parse_number(raw)
    assert exc.value.code == "number"


def test_percent_points_and_fractions():
    assert p.parse_percent("15%") == pytest.approx(0.15)
    assert p.parse_percent(0.15) == pytest.approx(0.15)
    assert p.parse_percent(15) == pytest.approx(0.15)
    assert p.parse_percent("15") == pytest.approx(0.15)
    assert p.parse_percent(1) == 1


def test_integer_rule():
    assert p.parse_int("30") == 30
    with pytest.raises(p.ParseError) as exc:
        p.parse_int("30.5")
    assert exc.value.code == "integer"


@pytest.mark.parametrize("raw", [
    dt.date(2025, 3, 5), dt.datetime(2025, 3, 5, 14, 30), 45721, 45721.0, "45721", "2025-03-05", "2025/3/5",
    "2025.3.5", "2025年3月5日", "２０２５年３月５日", " 2025-3-5 ", "20250305", "2025-03-05 10:00",
])
def test_dates(raw):
    assert p.parse_date(raw) == dt.date(2025, 3, 5)


@pytest.mark.parametrize("raw", ["2025-02-30", "next week", "3/5", -1, True, "2025年13月1日"])
def test_not_dates(raw):
    with pytest.raises(p.ParseError):
        p.parse_date(raw)


def test_birthday_without_year():
    assert p.parse_date("3月5日", month_day=True) == dt.date(p.NO_YEAR, 3, 5)
    assert p.parse_date("02-29", month_day=True) == dt.date(p.NO_YEAR, 2, 29)


@pytest.mark.parametrize("raw, key", [
    ("4", "4"), (4, "4"), (4.0, "4"), ("4.0", "4"), ("4 客户有选择我方的意向", "4"), ("４ 客户有选择我方的意向", "4"),
    ("客户有选择我方的意向", "4"), ("  6 合同中 ", "6"), ("0", "0"), ("7 Contract expired", "7"),
    ("5 直接聯繫並且傳了合同", "5"),
    # the short labels the add-in's own reasons use ("销售进程5：已传合同")
    ("５ 已传合同", "5"), ("5：已传合同", "5"), ("4 有选择我方的意向", "4"),
])
def test_stage(raw, key):
    assert p.ChoiceMatcher(STAGE)(raw) == key


@pytest.mark.parametrize("raw, code", [("8", "range"), (9, "range"), ("-1", "range"), ("4 合同中", "choice"),
                                        ("hello", "choice"), (4.5, "choice")])
def test_bad_stage(raw, code):
    with pytest.raises(p.ParseError) as exc:
        p.ChoiceMatcher(STAGE)(raw)
    assert exc.value.code == code


@pytest.mark.parametrize("raw, key", [("国企", "state"), (" 民企 ", "private"), ("外企", "foreign"),
                                      ("State-owned", "state"), ("private", "private"), ("國企", "state"),
                                      ("ＯＴＨＥＲ", "other")])
def test_choice_width_case_language(raw, key):
    assert p.ChoiceMatcher(OWNERSHIP)(raw) == key


@pytest.mark.parametrize("raw", ["13812345678", "138-1234-5678", "+86 138 1234 5678", "+8613812345678",
                                 "008613812345678", "0571-88776655", "021-12345678", "010-1234567-801",
                                 "(0571)88776655", 13812345678.0, "１３８１２３４５６７８"])
def test_phone_ok(raw):
    assert p.parse_phone(raw) is not None


@pytest.mark.parametrize("raw", ["12345", "23812345678", "1381234567", "phone", "0571-123", "+1 415 555 0100"])
def test_phone_bad(raw):
    with pytest.raises(p.ParseError) as exc:
        p.parse_phone(raw)
    assert exc.value.code == "phone"


@pytest.mark.parametrize("raw, ok", [("a@b.cn", True), ("li.na+crm@corp.com.cn", True), ("a@b", False),
                                     ("a b@c.com", False), ("@c.com", False)])
def test_email(raw, ok):
    if ok:
        assert p.parse_email(raw) == raw
    else:
        with pytest.raises(p.ParseError):
            p.parse_email(raw)


def test_full_width_percent_is_a_percent_not_points():
    assert p.parse_percent("150％") == 1.5 and p.parse_percent("15％") == p.parse_percent("15%") == 0.15
    assert p.parse_percent("15") == 0.15 and p.parse_percent(0.15) == 0.15
