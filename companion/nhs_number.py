"""The patient's NHS number: ten digits, the last a Modulus 11 check digit.

The first nine digits are weighted 10 down to 2 and summed; 11 less the remainder after dividing
by 11 is the check digit (11 reads as 0; 10 means the number is not a valid one). Staff may type
it with spaces, as it is printed (943 476 5919); it is kept as the ten digits alone.
"""

from __future__ import annotations

LABEL = "NHS number"
LENGTH = 10


def digits_of(typed: str) -> str:
    """What was typed without the spaces a printed NHS number has between its groups."""
    return "".join(typed.split(" "))


def check_digit(first_nine: str) -> int | None:
    """The check digit the first nine digits call for, or None when no number can have them."""
    total = sum(int(d) * weight for d, weight in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 10:
        return None
    return 0 if check == 11 else check


def problem(typed: str) -> str | None:
    """What is wrong with a typed NHS number, naming the field; None when it is a valid one."""
    digits = digits_of(typed)
    if len(digits) != LENGTH or not digits.isascii() or not digits.isdigit():
        return (
            f"{LABEL}: enter the patient's 10-digit NHS number, for example 943 476 5919, "
            "or leave it empty."
        )
    if len(set(digits)) == 1 or check_digit(digits[:9]) != int(digits[9]):
        return (
            f"{LABEL}: {formatted(digits)} is not a valid NHS number (its last digit does not "
            "match the others). Check it against the patient's wristband or letter."
        )
    return None


def formatted(digits: str) -> str:
    """An NHS number as it is printed: 943 476 5919."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == LENGTH else digits
