"""Every string is translated to bokmål, nynorsk and English, and .po files are in step."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("domain", ["django", "djangojs"])  # djangojs: the admin's JavaScript
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_po_file_is_complete(language, domain):
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / f"{domain}.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [], f"{language}: untranslated {untranslated[:10]}"
    assert fuzzy == [], f"{language}: fuzzy {fuzzy[:10]}"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_po_references_point_at_files_that_exist(language, domain):
    """A translator follows a message's ``#:`` reference to see it in use: after a file is
    moved or deleted, run makemessages (README) so none points at a file that is gone."""
    po = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / f"{domain}.po"))
    missing = sorted({path for entry in po for path, _line in entry.occurrences
                      if not (ROOT / path).is_file()})
    assert missing == [], f"{language}/{domain}: references to missing files {missing[:10]}"


def test_nb_and_nn_differ_where_the_languages_do():
    nb = {e.msgid: e.msgstr for e in polib.pofile(str(ROOT / "locale/nb/LC_MESSAGES/django.po"))}
    nn = {e.msgid: e.msgstr for e in polib.pofile(str(ROOT / "locale/nn/LC_MESSAGES/django.po"))}
    assert nb["My page"] == "Min side" and nn["My page"] == "Mi side"
    # Nynorsk must not be a copy of bokmål.
    differing = sum(1 for key in nb if nb[key] != nn.get(key))
    assert differing > len(nb) / 3
