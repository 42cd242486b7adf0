"""Calendar arithmetic for statutory clocks. Pure functions, no ORM."""

import calendar
import datetime


def add_days(start: datetime.date, days: int) -> datetime.date:
    return start + datetime.timedelta(days=days)


def add_months(start: datetime.date, months: int) -> datetime.date:
    """Same day of the month `months` later, clamped to the month's last day
    (2027-08-31 + 6 months = 2028-02-29)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def days_left(due: datetime.date, today: datetime.date) -> int:
    return (due - today).days
