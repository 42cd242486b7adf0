# Filipino as on Philippine government sites: "11 Disyembre 2026" (the month names are
# translated in locale/fil), and 2,150,000.00 with the same separators as English.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
YEAR_MONTH_FORMAT = "F Y"
