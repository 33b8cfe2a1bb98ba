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

from .errors import ValueParseError

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
    return raw


def to_wan(amount: Decimal, unit: str) -> Decimal:
    """An amount in 元 or 万元, expressed in 万元."""
    if unit == "万元":
        return amount
    if unit == "元":
        return amount / Decimal(10000)
    raise ValueParseError(f"{amount}{unit}", "money unit")
