# The portal serves one Norwegian municipality: English readers still see
# Norwegian dates (23. november 2026 → "23 November 2026"), 24-hour clocks and
# decimal commas, so numbers mean the same in every language.
from django.conf.locale.nb.formats import *  # noqa: F401,F403

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
