"""Exact decomposition arithmetic: a figure split into parts that add up to it to the cent.

Each part is its share rounded down to the cent; the cents left over go one each to the parts
with the largest remainders, ties to the earlier part (the largest-remainder method). The result
depends only on the inputs and their order, never on floating point: fractions throughout."""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def split_exactly(total, weights):
    """`total` (≥ 0) in parts proportional to `weights` (≥ 0; all zero or empty weights: equal
    parts), each a multiple of 0.01, adding up to `total` exactly."""
    total = Decimal(total).quantize(CENT, rounding=ROUND_HALF_UP)
    if total < 0:
        raise ValueError("a target to split cannot be negative")
    weights = [Fraction(Decimal(w)) for w in weights]
    if not weights:
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights cannot be negative")
    if sum(weights) == 0:
        weights = [Fraction(1)] * len(weights)
    cents = int(total / CENT)
    whole = sum(weights)
    shares = [Fraction(cents) * w / whole for w in weights]
    parts = [int(share) for share in shares]  # shares are ≥ 0: int() rounds down
    left = cents - sum(parts)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return [Decimal(part) * CENT for part in parts]


# --- Periods of a fiscal year (the calendar year; weeks are ISO weeks of that ISO year) -------------

GRAINS = ("month", "week")
YEAR = "Y"


def periods(year, grain):
    """[(key, first day, day after the last)] of `year` at `grain`: months "2027-03", ISO weeks
    "2027-W05" (52 or 53 of them)."""
    if grain == "month":
        result = []
        for month in range(1, 13):
            start = datetime.date(year, month, 1)
            end = datetime.date(year + (month == 12), month % 12 + 1, 1)
            result.append((f"{year}-{month:02d}", start, end))
        return result
    if grain == "week":
        weeks = datetime.date(year, 12, 28).isocalendar().week
        first = datetime.date.fromisocalendar(year, 1, 1)
        return [(f"{year}-W{n:02d}", first + datetime.timedelta(weeks=n - 1), first + datetime.timedelta(weeks=n))
                for n in range(1, weeks + 1)]
    raise ValueError(f"unknown grain {grain!r}")


def quarter_of(key, start):
    """"2027-Q1" for a period key starting on `start` (a week belongs to the quarter of its Monday)."""
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def year_bounds(year, grain):
    found = periods(year, grain)
    return found[0][1], found[-1][2]
