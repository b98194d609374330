"""lib.kept: made once per key and served again, bounded, forgotten on a settings change."""

from __future__ import annotations

from lib.kept import Kept


def test_a_value_is_made_once_per_key_and_served_again():
    made: list[str] = []
    kept: Kept[str] = Kept(most=10)

    def make(text: str):
        return lambda: made.append(text) or f"<p>{text}</p>"

    assert kept.get(("nb", 1), make("Hei")) == "<p>Hei</p>"
    assert kept.get(("nb", 1), make("annet")) == "<p>Hei</p>"  # served, not made again
    assert kept.get(("en", 1), make("Hello")) == "<p>Hello</p>"  # another key: made
    assert made == ["Hei", "Hello"] and len(kept) == 2


def test_a_full_store_starts_over_and_a_settings_change_empties_every_store(settings):
    kept: Kept[int] = Kept(most=3)
    for n in range(3):
        kept.get(n, lambda n=n: n)
    assert len(kept) == 3
    assert kept.get("fourth", lambda: 4) == 4 and len(kept) == 1  # emptied, then kept
    settings.LANGUAGE_CODE = "nn"  # setting_changed
    assert len(kept) == 0
    assert kept.get("fourth", lambda: 5) == 5  # made afresh
