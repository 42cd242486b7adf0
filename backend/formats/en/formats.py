# One date format everywhere (audit_ui.date_time): "11 December 2026", with the time
# after a comma. Numbers group by thousands: 2,150,000.00.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
YEAR_MONTH_FORMAT = "F Y"
