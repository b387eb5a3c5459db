"""Check digits of Japanese and payment identifiers (pure functions over digit strings)."""

from __future__ import annotations


def luhn_valid(digits: str) -> bool:
    """Payment card numbers (ISO/IEC 7812)."""
    if not digits.isdigit():
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def my_number_check_digit(base11: str) -> int:
    """個人番号: weights 6,5,4,3,2,7,6,5,4,3,2 on the first 11 digits, left to right."""
    weights = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    remainder = sum(int(d) * w for d, w in zip(base11, weights, strict=True)) % 11
    return 0 if remainder <= 1 else 11 - remainder


def my_number_valid(digits: str) -> bool:
    return len(digits) == 12 and digits.isdigit() and (
        my_number_check_digit(digits[:11]) == int(digits[11])
    )


def corporate_number_check_digit(base12: str) -> int:
    """法人番号: the first digit checks the 12 after it, weights 1,2,1,2… from the right."""
    total = sum(int(d) * (2 if i % 2 else 1) for i, d in enumerate(reversed(base12)))
    return 9 - total % 9


def corporate_number_valid(digits: str) -> bool:
    return len(digits) == 13 and digits.isdigit() and (
        corporate_number_check_digit(digits[1:]) == int(digits[0])
    )
