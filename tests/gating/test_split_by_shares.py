"""designs.routing.split_by_shares: the largest-remainder method, ties to the earlier assignment."""

from fractions import Fraction
from itertools import combinations
from math import ceil, floor

import pytest

from designs.routing import split_by_shares

SHARE_SETS = [
    [1],
    [1, 1],
    [1, 2, 3],
    [3, 2, 1],
    [1, 1, 1],
    [5, 5, 5, 5, 5, 5, 5],
    [Fraction("0.5"), Fraction("0.25"), Fraction("0.25")],
    [Fraction("0.3"), Fraction("0.7")],
    [Fraction("33.3"), Fraction("33.3"), Fraction("33.4")],
    [1, 1000],
]


@pytest.mark.parametrize("quantity, shares, parts", [
    (7, [1, 1], [4, 3]),
    (10, [1, 2, 3], [2, 3, 5]),  # quotas 1.67, 3.33, 5: the largest remainder (0.67) takes the spare unit
    (10, [3, 2, 1], [5, 3, 2]),
    (12, [1, 2, 3], [2, 4, 6]),  # exact quotas are kept
    (5, [1, 1, 1, 1], [2, 1, 1, 1]),  # a tie: the earlier assignment wins
    (2, [1, 1, 1], [1, 1, 0]),  # fewer units than assignments: a part is 0
    (1, [1, 1000], [0, 1]),
    (3, [Fraction("0.5"), Fraction("0.25"), Fraction("0.25")], [1, 1, 1]),  # 1.5 / .75 / .75: the .75s win
])
def test_split_examples(quantity, shares, parts):
    assert split_by_shares(quantity, shares) == parts


@pytest.mark.parametrize("shares", SHARE_SETS, ids=str)
def test_split_is_a_largest_remainder_split_for_every_quantity(shares):
    total = sum(Fraction(s) for s in shares)
    for quantity in range(1, 51):
        parts = split_by_shares(quantity, shares)
        assert sum(parts) == quantity, (quantity, parts)
        quotas = [Fraction(quantity) * s / total for s in shares]
        # Each part is its quota rounded down or up.
        assert all(floor(q) <= p <= ceil(q) for p, q in zip(parts, quotas, strict=True)), (quantity, parts)
        # A unit beyond the floor goes to a larger remainder first, and between equal ones to the earlier.
        remainders = [q - floor(q) for q in quotas]
        rounded_up = [p > floor(q) for p, q in zip(parts, quotas, strict=True)]
        for i, j in combinations(range(len(shares)), 2):  # i < j
            if rounded_up[j] and not rounded_up[i]:
                assert remainders[i] < remainders[j], (quantity, parts)
            if rounded_up[i] and not rounded_up[j]:
                assert remainders[i] >= remainders[j], (quantity, parts)
