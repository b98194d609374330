"""Fill msgstr in locale/{nb,nn,en} from a table: `python tools/fill_translations.py table.py`.

A maintenance helper for translators: the .po files stay the source of truth;
this only writes entries that are still empty (en gets msgstr = msgid).
The table module defines T = {msgid: (nb, nn)} and P = {msgid: ((nb1, nb2), (nn1, nn2))};
a message with a context is keyed "context\x04msgid". Both catalogues are filled: django.po
and, where makemessages -d djangojs made one, djangojs.po.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main(table_path: str) -> int:
    table = runpy.run_path(table_path)
    singles: dict[str, tuple[str, str]] = table.get("T", {})
    plurals: dict[str, tuple[tuple[str, str], tuple[str, str]]] = table.get("P", {})
    missing: set[str] = set()
    for index, lang, domain in [(i, lang, d) for i, lang in ((0, "nb"), (1, "nn"), (None, "en"))
                                for d in ("django", "djangojs")]:
        path = ROOT / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            continue
        po = polib.pofile(str(path))
        for entry in po:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:  # msgmerge's guess: never trust it
                entry.flags.remove("fuzzy")
                entry.msgstr = ""
                entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
                entry.previous_msgid = None
                entry.previous_msgid_plural = None
                entry.previous_msgctxt = None
            key = f"{entry.msgctxt}\x04{entry.msgid}"  # a table may also key it by msgid alone
            if key not in singles and key not in plurals:
                key = entry.msgid
            if entry.msgid_plural:
                if index is None:
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                elif key in plurals:
                    one, many = plurals[key][index]
                    entry.msgstr_plural = {0: one, 1: many}
                elif not entry.msgstr_plural.get(0):
                    missing.add(entry.msgid)
                continue
            if index is None:
                entry.msgstr = entry.msgid
            elif key in singles:
                entry.msgstr = singles[key][index]
            elif not entry.msgstr:
                missing.add(entry.msgid)
        po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
        po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        po.save()
    for msgid in sorted(missing):
        print("MISSING:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
