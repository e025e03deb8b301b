"""The one Luhn and GB 11643 check (xinsheng.checksums) against check digits worked out
by hand here and against numbers published as valid, never against itself."""
from __future__ import annotations

import pytest

from xinsheng.checksums import gb11643_check_char, luhn_check_digit, luhn_ok

#: card numbers published as valid test numbers by card networks' and processors' docs
#: (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay) and ISO/IEC 7812's example
PUBLISHED_VALID = [
    "4111111111111111", "4012888888881881", "5555555555554444", "5105105105105100",
    "378282246310005", "371449635398431", "6011111111111117", "3530111333300000",
    "30569309025904", "6200000000000005", "79927398713",
]


@pytest.mark.parametrize("number", PUBLISHED_VALID)
def test_published_valid_numbers_pass_and_every_single_digit_change_fails(number):
    assert luhn_ok(number)
    # Luhn catches every single-digit error: each of the 9 other digits at each place fails
    for i, ch in enumerate(number):
        for d in "0123456789":
            if d != ch:
                assert not luhn_ok(number[:i] + d + number[i + 1:]), (number, i, d)


def test_check_digits_worked_out_by_hand():
    # 7992739871 reversed: 1 7 8 9 3 7 2 9 9 7; doubled (1st, 3rd ...): 1->2, 8->7, 3->6,
    # 2->4, 9->9 = 28; kept: 7+9+7+9+7 = 39; 67 -> (10 - 7) = 3, the published answer
    assert luhn_check_digit("7992739871") == "3"
    # 622202123456789 (a UnionPay-like prefix): reversed 9 8 7 6 5 4 3 2 1 2 0 2 2 2 6;
    # doubled (1st, 3rd ...): 9->9, 7->5, 5->1, 3->6, 1->2, 0->0, 2->4, 6->3 = 30;
    # kept: 8+6+4+2+2+2+2 = 26; 56 -> (10 - 6) = 4
    assert luhn_check_digit("622202123456789") == "4"
    assert luhn_ok("6222021234567894") and not luhn_ok("6222021234567895")
    # 1: doubled 2 -> sum 2 -> 8;  00: 0 -> 0;  9: doubled 18 -> 9 -> 1
    assert [luhn_check_digit(p) for p in ("1", "00", "9")] == ["8", "0", "1"]


def test_luhn_refuses_what_is_not_a_card_number():
    assert not luhn_ok("") and not luhn_ok("0") and not luhn_ok("4111 1111 1111 1111")
    assert not luhn_ok("４１１１１１１１１１１１１１１１")  # full-width digits are not ASCII
    with pytest.raises(ValueError):
        luhn_check_digit("12a")


def test_resident_id_check_character_worked_out_by_hand():
    # GB 11643's example 11010519491231002X: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
    # times 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4
    # = 167; 167 mod 11 = 2; the table 1 0 X 9 8 7 6 5 4 3 2 gives X
    assert gb11643_check_char("11010519491231002") == "X"
    # 44030619851015123: 28+36+0+15+0+24+2+9+48+15+7+0+10+25+8+8+6 = 241; 241 mod 11 = 10 -> 2
    assert gb11643_check_char("44030619851015123") == "2"
    with pytest.raises(ValueError):
        gb11643_check_char("1101051949123100")
