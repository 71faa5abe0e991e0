"""The decomposition arithmetic: parts add up to the whole to the cent, whatever the figures."""

import random
from decimal import Decimal

import pytest

from targets.services import split_matrix
from targets.split import periods, split_exactly


def test_equal_parts_add_up_and_the_cents_left_go_to_the_first_parts():
    parts = split_exactly(Decimal("100.00"), [1, 1, 1])
    assert parts == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert split_exactly("0.02", [1, 1, 1]) == [Decimal("0.01"), Decimal("0.01"), Decimal("0")]


def test_weights_split_in_proportion_and_zero_weights_mean_equal_parts():
    assert split_exactly("1000", [3, 1]) == [Decimal("750.00"), Decimal("250.00")]
    assert split_exactly("10", [0, 0]) == [Decimal("5.00"), Decimal("5.00")]
    assert split_exactly("10", []) == []
    with pytest.raises(ValueError):
        split_exactly("-1", [1])
    with pytest.raises(ValueError):
        split_exactly("1", [1, -1])


def test_random_splits_always_add_up_exactly_and_are_repeatable():
    rng = random.Random(20271)
    for _ in range(500):
        total = Decimal(rng.randint(0, 10**9)) / 100
        weights = [Decimal(rng.randint(0, 10**6)) / 7 for _ in range(rng.randint(1, 60))]
        parts = split_exactly(total, weights)
        assert sum(parts) == total
        assert all(part >= 0 and part == part.quantize(Decimal("0.01")) for part in parts)
        assert parts == split_exactly(total, weights)
        # No part is more than a cent away from its exact share.
        whole = sum(weights)
        if whole:
            assert all(abs(part - total * w / whole) < Decimal("0.01") for part, w in zip(parts, weights, strict=True))


def test_a_matrix_adds_up_by_row_and_by_column():
    rng = random.Random(7)
    for _ in range(200):
        columns = split_exactly(Decimal(rng.randint(0, 10**8)) / 100, [rng.randint(0, 9) for _ in range(12)])
        total = sum(columns)
        rows = split_exactly(total, [rng.randint(0, 20) for _ in range(rng.randint(1, 9))])
        matrix = split_matrix(rows, columns)
        assert [sum(row) for row in matrix] == rows
        assert [sum(column) for column in zip(*matrix, strict=True)] == columns
        assert all(cell >= 0 for row in matrix for cell in row)


def test_periods_are_twelve_months_or_the_iso_weeks_of_the_year():
    months = periods(2027, "month")
    assert [m[0] for m in months][:2] == ["2027-01", "2027-02"] and len(months) == 12
    assert months[-1][2].isoformat() == "2028-01-01"
    assert len(periods(2026, "week")) == 53 and len(periods(2027, "week")) == 52
    weeks = periods(2027, "week")
    assert weeks[0][1].isoformat() == "2027-01-04" and weeks[-1][2].isoformat() == "2028-01-03"
