# English pages use English formats (issue 21 item 23: "Wednesday 16. December" and
# "3,00" on an English page were Norwegian formats in English words). British
# order and a 24-hour clock, as English is written in Norway and the EU:
# "Wednesday 16 December 2026, 14:00", "3.5", "21,875.00".
from django.conf.locale.en_GB.formats import *  # noqa: F401,F403
from django.conf.locale.en_GB.formats import DATE_INPUT_FORMATS as _GB_DATES
from django.conf.locale.en_GB.formats import DATETIME_INPUT_FORMATS as _GB_DATETIMES
from django.conf.locale.nb.formats import DATE_INPUT_FORMATS as _NB_DATES
from django.conf.locale.nb.formats import DATETIME_INPUT_FORMATS as _NB_DATETIMES

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
# A Norwegian date typed on an English page ("16.12.2026") is still understood.
DATE_INPUT_FORMATS = [*_GB_DATES, *_NB_DATES]
DATETIME_INPUT_FORMATS = [*_GB_DATETIMES, *_NB_DATETIMES]

# The portal's own named formats (lib.dates.local_format reads them).
WEEKDAY_DATE_FORMAT = "l j F Y"  # Wednesday 16 December 2026
WEEKDAY_DATETIME_FORMAT = "l j F Y, H:i"
WEEKDAY_MONTH_DAY_FORMAT = "l j F"  # Wednesday 16 December
SHORT_WEEKDAY_DATE_FORMAT = "D j M Y"  # Wed 16 Dec 2026
SHORT_WEEKDAY_MONTH_DAY_FORMAT = "D j M"  # Wed 16 Dec
SHORT_WEEKDAY_DATETIME_FORMAT = "D j F H:i"
MONTH_DAY_TIME_FORMAT = "j F H:i"
