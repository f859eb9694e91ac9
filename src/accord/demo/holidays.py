"""Chinese public holidays and swapped working days (调休), for the demo calendar.

2023–2026 follow the State Council's published schedules; 2027 is an approximation made
from the lunar dates (a deployment loads the official schedule when it is published).
Each entry: (name, first holiday, last holiday, [swapped working days]).
"""

from __future__ import annotations

import datetime as dt

D = dt.date

SCHEDULE: dict[int, list[tuple[str, dt.date, dt.date, list[dt.date]]]] = {
    2023: [
        ("元旦 New Year", D(2022, 12, 31), D(2023, 1, 2), []),
        ("春节 Spring Festival", D(2023, 1, 21), D(2023, 1, 27), [D(2023, 1, 28), D(2023, 1, 29)]),
        ("清明节 Qingming", D(2023, 4, 5), D(2023, 4, 5), []),
        ("劳动节 Labour Day", D(2023, 4, 29), D(2023, 5, 3), [D(2023, 4, 23), D(2023, 5, 6)]),
        ("端午节 Dragon Boat", D(2023, 6, 22), D(2023, 6, 24), [D(2023, 6, 25)]),
        ("中秋节、国庆节 Mid-Autumn & National Day", D(2023, 9, 29), D(2023, 10, 6),
         [D(2023, 10, 7), D(2023, 10, 8)]),
    ],
    2024: [
        ("元旦 New Year", D(2024, 1, 1), D(2024, 1, 1), []),
        ("春节 Spring Festival", D(2024, 2, 10), D(2024, 2, 17), [D(2024, 2, 4), D(2024, 2, 18)]),
        ("清明节 Qingming", D(2024, 4, 4), D(2024, 4, 6), [D(2024, 4, 7)]),
        ("劳动节 Labour Day", D(2024, 5, 1), D(2024, 5, 5), [D(2024, 4, 28), D(2024, 5, 11)]),
        ("端午节 Dragon Boat", D(2024, 6, 10), D(2024, 6, 10), []),
        ("中秋节 Mid-Autumn", D(2024, 9, 15), D(2024, 9, 17), [D(2024, 9, 14)]),
        ("国庆节 National Day", D(2024, 10, 1), D(2024, 10, 7), [D(2024, 9, 29), D(2024, 10, 12)]),
    ],
    2025: [
        ("元旦 New Year", D(2025, 1, 1), D(2025, 1, 1), []),
        ("春节 Spring Festival", D(2025, 1, 28), D(2025, 2, 4), [D(2025, 1, 26), D(2025, 2, 8)]),
        ("清明节 Qingming", D(2025, 4, 4), D(2025, 4, 6), []),
        ("劳动节 Labour Day", D(2025, 5, 1), D(2025, 5, 5), [D(2025, 4, 27)]),
        ("端午节 Dragon Boat", D(2025, 5, 31), D(2025, 6, 2), []),
        ("国庆节、中秋节 National Day & Mid-Autumn", D(2025, 10, 1), D(2025, 10, 8),
         [D(2025, 9, 28), D(2025, 10, 11)]),
    ],
    2026: [
        ("元旦 New Year", D(2026, 1, 1), D(2026, 1, 3), [D(2026, 1, 4)]),
        ("春节 Spring Festival", D(2026, 2, 15), D(2026, 2, 23), [D(2026, 2, 14), D(2026, 2, 28)]),
        ("清明节 Qingming", D(2026, 4, 4), D(2026, 4, 6), []),
        ("劳动节 Labour Day", D(2026, 5, 1), D(2026, 5, 5), [D(2026, 5, 9)]),
        ("端午节 Dragon Boat", D(2026, 6, 19), D(2026, 6, 21), []),
        ("中秋节 Mid-Autumn", D(2026, 9, 25), D(2026, 9, 27), []),
        ("国庆节 National Day", D(2026, 10, 1), D(2026, 10, 7), [D(2026, 9, 20), D(2026, 10, 10)]),
    ],
    2027: [  # approximate
        ("元旦 New Year", D(2027, 1, 1), D(2027, 1, 3), []),
        ("春节 Spring Festival", D(2027, 2, 5), D(2027, 2, 12), [D(2027, 1, 31), D(2027, 2, 20)]),
        ("清明节 Qingming", D(2027, 4, 3), D(2027, 4, 5), []),
        ("劳动节 Labour Day", D(2027, 5, 1), D(2027, 5, 5), [D(2027, 4, 25)]),
        ("端午节 Dragon Boat", D(2027, 6, 9), D(2027, 6, 9), []),
        ("中秋节 Mid-Autumn", D(2027, 9, 15), D(2027, 9, 15), []),
        ("国庆节 National Day", D(2027, 10, 1), D(2027, 10, 7), [D(2027, 9, 26), D(2027, 10, 9)]),
    ],
}  # fmt: skip

# Lunar New Year's Day, for the pre-festival wage-arrears peak.
SPRING_FESTIVAL = {
    2021: D(2021, 2, 12),
    2022: D(2022, 2, 1),
    2023: D(2023, 1, 22),
    2024: D(2024, 2, 10),
    2025: D(2025, 1, 29),
    2026: D(2026, 2, 17),
    2027: D(2027, 2, 6),
    2028: D(2028, 1, 26),
    2029: D(2029, 2, 13),
    2030: D(2030, 2, 3),
}


def holiday_rows(first_year: int, last_year: int) -> list[tuple[dt.date, str, str]]:
    """(date, kind, name) for every holiday and swapped working day in the years given."""
    rows: list[tuple[dt.date, str, str]] = []
    for year in range(first_year, last_year + 1):
        for name, first, last, workdays in SCHEDULE.get(year, []):
            day = first
            while day <= last:
                rows.append((day, "holiday", name))
                day += dt.timedelta(days=1)
            rows.extend((w, "workday", name + " 调休") for w in workdays)
    rows.sort()
    return rows
