"""PII masking (个人信息脱敏): resident IDs, phones, bank cards, e-mails and names.

Runs on every ingested record, so the common case (no PII) costs one regex scan.
Detection works on a width-normalised copy of the text (full-width digits and
letters → ASCII, a 1:1 character mapping), so every offset is an offset in the
original text. Masks keep the type (``〔身份证〕``) so later stages still see it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from xinsheng.checksums import gb11643_check_char, luhn_ok
from xinsheng.voc.names import T2S, TAIL, find_names, gate_pattern, gate_search

__all__ = ["PiiSpan", "MaskResult", "mask_pii", "MASKS", "luhn_ok", "cn_id_ok"]


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data: its type and [start, end) offsets in the original text."""

    type: str
    start: int
    end: int


@dataclass(frozen=True)
class MaskResult:
    """The masked text and the spans that were replaced (offsets in the original)."""

    text: str
    spans: list[PiiSpan]


MASKS = {
    "cn_id": "〔身份证〕",
    "mobile": "〔手机号〕",
    "landline": "〔电话〕",
    "bank_card": "〔银行卡〕",
    "email": "〔邮箱〕",
    "person_name": "〔姓名〕",
}
_SPAN_TYPE = {"mobile": "phone", "landline": "phone"}

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space map 1:1 to ASCII.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20
_WIDTH_TABLE = str.maketrans({chr(k): chr(v) for k, v in _WIDTH.items()})
_NORM_TABLE = {**_WIDTH_TABLE, **T2S}  # and traditional name characters → simplified, still 1:1

# Cheap gate: ≥7 digits (single separators allowed), an @, or a name context; every
# branch starts with a literal, so sre skips all other positions in C. Signatures
# can only sit at the end of a text: ``TAIL`` looks at the last few characters.
_D = "[0-9０-９]"
_SEP = "[ \\-－\u3000]"
_DIGITS = {d: f"(?:{_SEP}?{_D}){{6}}" for d in "0123456789０１２３４５６７８９"}
_PRECHECK = re.compile(gate_pattern({**_DIGITS, "@": "", "＠": ""}))
_NUMBER_GATE = re.compile(f"[0-9](?:{_SEP}?[0-9]){{6}}")
# str.translate looks every non-ASCII character up in a dict: only run it when needed.
_NEEDS_NORM = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_NORM_TABLE)) + "]")

_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_PAREN_LANDLINE = re.compile(r"\(0[0-9]{2,3}\) ?[0-9]{7,8}(?![0-9])")
_RUN = re.compile(r"\+?[0-9]+(?: ?- ?[0-9]+| [0-9]+)*(?:[Xx](?![A-Za-z]))?")
_GROUP = re.compile(r"\+?[0-9]+[Xx]?")
_MAX_WINDOW = 6  # no real number format has more than 6 digit groups

_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)


def _plausible_birth(y: int, m: int, d: int) -> bool:
    try:
        born = date(y, m, d)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def cn_id_ok(number: str) -> bool:
    """A mainland resident ID: 18 chars with a GB 11643 check digit, or a legacy 15-digit one."""
    if number[:2] not in _PROVINCES:
        return False
    if len(number) == 18:
        body, check = number[:17], number[17].upper()
        if not (body.isascii() and body.isdigit()):
            return False
        return gb11643_check_char(body) == check and _plausible_birth(
            int(number[6:10]), int(number[10:12]), int(number[12:14])
        )
    if len(number) == 15 and number.isdigit():
        return _plausible_birth(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    return False


def _classify_number(raw: str) -> str | None:
    """The PII kind of one candidate number (separators and '+' already removed), or None."""
    n = len(raw)
    if raw[-1] in "Xx":
        return "cn_id" if n == 18 and cn_id_ok(raw) else None
    if n in (15, 18) and cn_id_ok(raw):
        return "cn_id"
    if 16 <= n <= 19 and luhn_ok(raw):
        return "bank_card"
    if n == 11 and raw[0] == "1" and raw[1] in "3456789":
        return "mobile"
    if (n == 13 and raw.startswith("86")) or (n == 15 and raw.startswith("0086")):
        tail = raw[-11:]
        return "mobile" if tail[0] == "1" and tail[1] in "3456789" else None
    if 10 <= n <= 12 and raw[0] == "0" and raw[1] != "0":
        return "landline"
    return None


def _country_code(group: str) -> bool:
    return group.lstrip("+") in ("86", "0086")


def _scan_run(start: int, run: str, out: list[tuple[int, int, str]]) -> None:
    """Find PII numbers in one digit run, trying the widest group windows first."""
    groups = [(m.start() + start, m.end() + start, m.group()) for m in _GROUP.finditer(run)]
    # A group that is a whole number by itself is never glued to its neighbours
    # ("6222…7894 500元" is a card and an amount), except after a +86 country code.
    whole = [len(g[2]) >= 10 and _classify_number(g[2].lstrip("+")) is not None for g in groups]
    i, n = 0, len(groups)
    while i < n:
        for w in range(min(_MAX_WINDOW, n - i), 0, -1):
            if any(whole[i + 1 : i + w]) and not (w == 2 and _country_code(groups[i][2])):
                continue
            if w > 1 and whole[i]:
                continue
            raw = "".join(g[2] for g in groups[i : i + w]).lstrip("+")
            if len(raw) < 10:
                continue
            kind = _classify_number(raw)
            if kind:
                out.append((groups[i][0], groups[i + w - 1][1], kind))
                i += w
                break
        else:
            i += 1


def _find_numbers(norm: str, taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for m in _PAREN_LANDLINE.finditer(norm):
        found.append((m.start(), m.end(), "landline"))
    for m in _RUN.finditer(norm):
        if len(m.group()) < 10:
            continue
        _scan_run(m.start(), m.group(), found)
    result: list[tuple[int, int, str]] = []
    for span in sorted(found):
        if not any(s < span[1] and span[0] < e for s, e, _ in taken + result):
            result.append(span)
    return result


def mask_pii(text: str) -> MaskResult:
    """Replace personal data in ``text`` with typed masks; offsets refer to ``text``."""
    if not text or not (gate_search(_PRECHECK, text) or TAIL.search(text, len(text) - 16)):
        return MaskResult(text, [])
    norm = text.translate(_NORM_TABLE) if _NEEDS_NORM.search(text) else text
    spans = [(m.start(), m.end(), "email") for m in _EMAIL.finditer(norm)] if "@" in norm else []
    if _NUMBER_GATE.search(norm):
        spans += _find_numbers(norm, spans)
    for s, e in find_names(norm):
        if not any(a < e and s < b for a, b, _ in spans):
            spans.append((s, e, "person_name"))
    if not spans:
        return MaskResult(text, [])
    spans.sort()
    parts: list[str] = []
    pos = 0
    for s, e, kind in spans:
        parts.append(text[pos:s])
        parts.append(MASKS[kind])
        pos = e
    parts.append(text[pos:])
    return MaskResult("".join(parts), [PiiSpan(_SPAN_TYPE.get(k, k), s, e) for s, e, k in spans])
