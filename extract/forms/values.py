"""Reading values out of cell text: numbers as Decimal, placeholders as None, text as printed.

Digits and number punctuation are normalised (full-width ``１２３．４５``, ``1,121.69``, ``1121.69万元``,
stray spaces); Chinese text is kept as printed. Blank and ``——`` are ``None``, never 0.
Only ``ValueParseError`` escapes from the parsers.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import regex

from extract.errors import ValueParseError

DASHES = frozenset({"—", "——", "———", "-", "--", "/", "／", "－", "–", "…", "……"})
PLACEHOLDERS = frozenset({"", "—", "——", "———", "-", "--", "/", "／", "－", "–", "…", "……", "无"})

_NUMBER_CHARS = str.maketrans(
    {
        "，": ",",
        "．": ".",
        "－": "-",
        "％": "%",
        "　": " ",
        "＋": "+",
    }
)
_GROUPED = regex.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_PLAIN = regex.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_UNIT_SUFFIX = regex.compile(r"(万元|元|%|分|个|人)$")
_WS = regex.compile(r"\s+")
# a level-1 name's points, "（50分）"; OCR may lose the 分 or the closing bracket (not both), read a bracket
# before the 分 (产出指标(50)分）), or a bracket as a square one (效益指标[40分]: 200-dpi grey small print),
# and read a speck after it as a point (效益指标(20分).: a 300-dpi 1-bit scan)
_OPEN, _CLOSE = r"[(（\[［【〔]", r"[)）\]］】〕]"
NAME_POINTS = regex.compile(
    rf"{_OPEN}\s*(?P<points>\d+(?:\.\d+)?)\s*(?:{_CLOSE}?\s*分\s*{_CLOSE}?|{_CLOSE})\s*[.。·・,，、]?\s*$"
)
_DIGITS_APART = regex.compile(r"(?P<left>[\d.,]+)(?P<percent>%?)\s+(?=(?P<right>[+-]?[\d.,]+))")


@dataclass(frozen=True, slots=True)
class Number:
    """A parsed number, with the unit printed next to it (if any)."""

    value: Decimal
    unit: str | None


def fold_digits(text: str) -> str:
    """Full-width digits, letters and number punctuation to ASCII; everything else unchanged."""
    out = []
    for ch in text.translate(_NUMBER_CHARS):
        if "\uff01" <= ch <= "\uff5e" and (ch.isalnum() or ch in "（）：；"):
            folded = unicodedata.normalize("NFKC", ch)
            out.append(folded if folded.isascii() and folded.isalnum() else ch)
        else:
            out.append(ch)
    return "".join(out)


def clean_text(text: str | None) -> str:
    """Text as printed, minus layout whitespace: strip ends, drop line breaks and non-breaking spaces."""
    if text is None:
        return ""
    return text.replace("\u00a0", " ").replace("\r", "").replace("\n", "").strip()


def is_placeholder(text: str | None) -> bool:
    return clean_text(text).replace(" ", "") in PLACEHOLDERS


def parse_number(text: str | None, kind: str = "number") -> Number | None:
    """``'1,121.69'``, ``'１１２１．６９'``, ``' 1121.69万元'``, ``'86.19%'`` → Number; blank/``——`` → None."""
    if text is None:
        return None
    if two_figures(text):
        raise ValueParseError(text, kind)
    raw = _WS.sub("", fold_digits(clean_text(text)))
    if raw in PLACEHOLDERS:
        return None
    unit = None
    m = _UNIT_SUFFIX.search(raw)
    if m:
        unit = m.group(1)
        raw = raw[: m.start()]
    if _GROUPED.match(raw):
        raw = raw.replace(",", "")
    elif not _PLAIN.match(raw):
        raise ValueParseError(text, kind)
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the regexes admit only valid literals
        raise ValueParseError(text, kind) from exc
    return Number(value, unit)


def two_figures(text: str | None) -> bool:
    """The text holds two figures side by side, which no one cell prints: a scan lost the ruling between
    two cells (1580.42 1808.88, 10 88.64%, 96.80% 9.68). Within one figure, digits a space separates are a
    3-digit group after at most three (1 580.42, 100 000) or a point's one side (1121. 69)."""
    if not text:
        return False
    for m in _DIGITS_APART.finditer(fold_digits(clean_text(text))):
        left, right = m.group("left"), m.group("right")
        if left.endswith((".", ",")) or right.startswith((".", ",")):
            continue
        if (
            m.group("percent")
            or "." in left
            or not regex.match(r"\d{3}(?!\d)", right)
            or not regex.search(r"(?:^|,)\d{1,3}$", left)
        ):
            return True
    return False


def parse_decimal(text: str | None, kind: str = "number") -> Decimal | None:
    number = parse_number(text, kind)
    return None if number is None else number.value


def parse_int(text: str | None) -> int | None:
    value = parse_decimal(text, "integer")
    if value is None:
        return None
    if value != value.to_integral_value():
        raise ValueParseError(str(text), "integer")
    return int(value)


def parse_phone(text: str | None) -> str | None:
    """A phone number as printed, with full-width digits folded and spaces removed."""
    raw = _WS.sub("", fold_digits(clean_text(text)))
    if raw in PLACEHOLDERS:
        return None
    if not regex.fullmatch(r"[0-9()（）+\-—/、,]+", raw):
        raise ValueParseError(str(text), "phone number")
    return str(raw)


def to_wan(amount: Decimal, unit: str) -> Decimal:
    """An amount in 元 or 万元, expressed in 万元."""
    if unit == "万元":
        return amount
    if unit == "元":
        return amount / Decimal(10000)
    raise ValueParseError(f"{amount}{unit}", "money unit")


_CHECKED = "☑✓√■☒✔▣"
_UNCHECKED = "□☐"
_MARKS = _CHECKED + _UNCHECKED
_OPTION_NO = regex.compile(r"^\s*\d+\s*[、.．]\s*")


def parse_checkbox(text: str | None) -> str | None:
    """The ticked option of a checkbox line: ``1、部门预算项目☑ 2、财政专项□`` → ``部门预算项目``.
    Marks may follow or precede the option's name. No tick → None; several ticks → ValueParseError."""
    raw = clean_text(text)
    if not raw or not any(m in raw for m in _MARKS):
        if raw and raw not in PLACEHOLDERS:
            raise ValueParseError(raw, "checkbox line")
        return None
    marks_first = raw.lstrip("0123456789、.． ")[:1] in _MARKS
    pieces = regex.split(f"([{_MARKS}])", raw)
    options: list[tuple[str, bool]] = []
    if marks_first:  # ☑A □B
        for i in range(1, len(pieces) - 1, 2):
            options.append((pieces[i + 1], pieces[i] in _CHECKED))
    else:  # A☑ B□
        for i in range(0, len(pieces) - 1, 2):
            options.append((pieces[i], pieces[i + 1] in _CHECKED))
    ticked = [_OPTION_NO.sub("", name).strip() for name, on in options if on]
    if len(ticked) > 1:
        raise ValueParseError(raw, "checkbox line with one tick")
    return ticked[0] if ticked else None


_DATE = regex.compile(r"(?P<y>\d{4})\s*[年\-./]\s*(?P<m>\d{1,2})\s*[月\-./]\s*(?P<d>\d{1,2})\s*日?")


def parse_date(text: str | None) -> str | None:
    """``2022年3月18日`` → ``2022-03-18`` (ISO); blank → None."""
    raw = fold_digits(clean_text(text))
    if raw in PLACEHOLDERS:
        return None
    m = _DATE.search(raw)
    if not m:
        raise ValueParseError(raw, "date")
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        raise ValueParseError(raw, "date")
    return f"{y:04d}-{mo:02d}-{d:02d}"


def parse_bool(text: str | None) -> bool | None:
    raw = clean_text(text)
    if raw in PLACEHOLDERS:
        return None
    if raw in ("是", "√", "✓", "Y", "y", "yes"):
        return True
    if raw in ("否", "×", "N", "n", "no"):
        return False
    raise ValueParseError(raw, "yes/no")


Value = Decimal | int | str | bool | None


def parse_typed(text: str, type_: str, unit: str | None) -> tuple[Value, str | None]:
    """Parse ``text`` as the template type ``type_``; returns (value, problem). Only
    ``ValueParseError`` is caught: its message becomes the problem."""
    try:
        if type_ in ("money", "number", "percent"):
            number = parse_number(text, type_)
            if number is None:
                return None, None
            if unit and number.unit and number.unit != unit:
                return number.value, f"printed in {number.unit}, expected {unit}"
            return number.value, None
        parsers = {
            "integer": parse_int,
            "phone": parse_phone,
            "checkbox": parse_checkbox,
            "date": parse_date,
            "boolean": parse_bool,
        }
        if type_ in parsers:
            return parsers[type_](text), None
    except ValueParseError as exc:
        return None, str(exc)
    value = clean_text(text)
    if value.replace(" ", "") in DASHES:  # a dash or slash says "nothing here"; 无 is kept as printed
        return None, None
    return (value or None), None
