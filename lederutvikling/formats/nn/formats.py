# Django's own nn formats, plus the portal's named formats (lib.dates.local_format).
WEEKDAY_DATE_FORMAT = "l j. F Y"  # onsdag 16. desember 2026
WEEKDAY_DATETIME_FORMAT = "l j. F Y, H:i"
WEEKDAY_MONTH_DAY_FORMAT = "l j. F"
SHORT_WEEKDAY_DATE_FORMAT = "D j. M Y"
SHORT_WEEKDAY_MONTH_DAY_FORMAT = "D j. M"
SHORT_WEEKDAY_DATETIME_FORMAT = "D j. F H:i"
MONTH_DAY_TIME_FORMAT = "j. F H:i"
