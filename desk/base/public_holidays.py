"""Public holidays: the one source for coverage, routing, gaps, digests and availability.

A country's calendar (France by default, `Client.holiday_country`) is built by the
`holidays` library once per (country, year) and kept: building one costs far more than
a routing decision. An empty country means "no public holidays".
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _calendar(country: str, year: int) -> dict[date, str]:
    return {day: str(name) for day, name in holidays.country_holidays(country, years=year).items()}


def holiday_name(country: str, day: date) -> str | None:
    """The holiday's name when `day` is a public holiday in `country`, else None."""
    if not country:
        return None
    return _calendar(country, day.year).get(day)


def holiday_dates(country: str, first: date, last: date) -> set[date]:
    """The public holidays of `country` in [first, last]."""
    if not country:
        return set()
    found: set[date] = set()
    for year in range(first.year, last.year + 1):
        found.update(d for d in _calendar(country, year) if first <= d <= last)
    return found
