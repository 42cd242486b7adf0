"""Working days: not a Saturday or Sunday, not a Philippine public holiday (the
`holidays` package, which follows the yearly proclamations), and not a day the SAI
administrator declared non-working (`NonWorkingDay`: typhoon suspensions, local
holidays).

`WorkingCalendar` is pure arithmetic over a set of declared days; `working_calendar()`
loads that set from the database once per use."""

import datetime
from dataclasses import dataclass, field
from functools import lru_cache

import holidays

COUNTRY = "PH"
# Far more than any deadline here; a guard against a loop over a calendar with no
# working day at all (every day declared non-working by mistake).
MAX_SCAN_DAYS = 366


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset:
    return frozenset(holidays.country_holidays(COUNTRY, years=year).keys())


def public_holiday_name(day: datetime.date) -> str | None:
    return holidays.country_holidays(COUNTRY, years=day.year).get(day)


@dataclass(frozen=True)
class WorkingCalendar:
    declared: frozenset = field(default_factory=frozenset)

    def is_working_day(self, day: datetime.date) -> bool:
        return (
            day.weekday() < 5 and day not in _public_holidays(day.year) and day not in self.declared
        )

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The `days`-th working day after `start` (`start` itself does not count: a
        grievance received on a Friday with 3 working days is due on Wednesday)."""
        day = start
        counted = 0
        for _step in range(MAX_SCAN_DAYS):
            if counted >= days:
                return day
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        count = 0
        day = start
        while day < end:
            day += datetime.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def working_calendar(around: datetime.date | None = None) -> WorkingCalendar:
    """The calendar with the declared non-working days of the year around `around`
    (all of them when not given)."""
    from grievances.models import NonWorkingDay

    days = NonWorkingDay.objects.all()
    if around is not None:
        days = days.filter(
            day__gte=around - datetime.timedelta(days=MAX_SCAN_DAYS),
            day__lte=around + datetime.timedelta(days=MAX_SCAN_DAYS),
        )
    return WorkingCalendar(frozenset(days.values_list("day", flat=True)))
