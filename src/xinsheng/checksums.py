"""Check digits of the numbers that identify people: bank cards (Luhn) and mainland
resident IDs (GB 11643-1999). One implementation, used by PII masking (to tell a card or
an ID from an order number) and by the demo data generator (to make valid ones).

A foundation module: it imports nothing of xinsheng.
"""
from __future__ import annotations

__all__ = ["luhn_ok", "luhn_check_digit", "gb11643_check_char"]

#: a digit's contribution at a doubled position: 2d, less 9 when over 9
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _luhn_sum(digits: str, double_last: bool) -> int:
    total = 0
    double = double_last
    for ch in reversed(digits):
        d = ord(ch) - 48
        total += _DOUBLED[d] if double else d
        double = not double
    return total


def luhn_ok(number: str) -> bool:
    """True if ``number`` (ASCII digits only, at least two) passes the Luhn (mod 10) check
    of ISO/IEC 7812, as bank card numbers do."""
    if len(number) < 2 or not (number.isascii() and number.isdigit()):
        return False
    return _luhn_sum(number, double_last=False) % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The digit that makes ``partial`` + digit pass the Luhn check."""
    if not partial or not (partial.isascii() and partial.isdigit()):
        raise ValueError(f"not a string of digits: {partial!r}")
    return str(-_luhn_sum(partial, double_last=True) % 10)


def gb11643_check_char(first17: str) -> str:
    """The 18th character (0-9 or X) of a resident ID from its first 17 digits."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"not 17 digits: {first17!r}")
    return _ID_CHECK[sum((ord(c) - 48) * w for c, w in zip(first17, _ID_WEIGHTS)) % 11]
