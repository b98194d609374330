"""Bring needs rounds' stored shown cells up to date for choice and ranking items.

A set stored before choice items were reported listed the items to keep to the
whole round for scale items only. Its shown cells stay as readers have seen them;
the items to keep to the whole round are worked out again for every kind
(withholding more, never less). This used to happen inside the report's read
(``needs_safety(store=True)``); a data migration does it once, so the read
stays a read. A set that no longer fits its respondents is dropped and worked
out afresh by the hourly task. Reversing leaves the up-to-date sets as they are.
"""

from django.db import migrations


def upgrade(apps, schema_editor):
    # The algorithm is the report's own (pure functions over the querysets given);
    # copying it here would make two definitions of what may be shown.
    from surveys.reports.needs import WHOLE_ONLY_KINDS, disclosure_upgraded

    Round = apps.get_model("surveys", "Round")
    Response = apps.get_model("surveys", "Response")
    Answer = apps.get_model("surveys", "Answer")
    for round in Round.objects.filter(kind="needs", disclosure__isnull=False).iterator():
        stored = round.disclosure
        if not isinstance(stored, dict) or stored.get("whole_only_kinds") == WHOLE_ONLY_KINDS:
            continue
        round.disclosure = disclosure_upgraded(
            stored, responses=Response.objects.filter(round_id=round.pk),
            answers=Answer.objects.filter(response__round_id=round.pk))
        round.save(update_fields=["disclosure"])


class Migration(migrations.Migration):

    dependencies = [
        ("surveys", "0002_standard_instruments"),
    ]

    operations = [
        migrations.RunPython(upgrade, migrations.RunPython.noop),
    ]
