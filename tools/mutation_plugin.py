"""pytest plugin for mutation runs (``-p tools.mutation_plugin``, added by tools/mutation).

mutmut runs pytest many times inside one long-lived process (and forks per mutant
from it), so state a test leaves behind in one run reaches the next. The active
language is such state: a test left in English makes the next run's bokmål
assertions fail — a false kill. Each test starts in the default language here, as
it does in a fresh ``pytest`` process.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
