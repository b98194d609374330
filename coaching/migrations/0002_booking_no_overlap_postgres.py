"""On PostgreSQL, refuse overlapping active bookings of one coach in the database itself.

The partial unique constraint on (coach, starts_at) in 0001 stops two bookings
at the same start on every database. This exclusion constraint (btree_gist)
also stops *overlapping* ones, e.g. after a change of session length. SQLite
has no exclusion constraints, so the operation does nothing there; the
booking service's row lock covers it.
"""

from django.db import migrations

ACTIVE = "('bestilt', 'holdt', 'uteble')"

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    "ALTER TABLE coaching_booking ADD CONSTRAINT coaching_booking_no_overlap_per_coach "
    "EXCLUDE USING gist (coach_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
    f"WHERE (status IN {ACTIVE})",
]
DROP = [
    "ALTER TABLE coaching_booking DROP CONSTRAINT IF EXISTS coaching_booking_no_overlap_per_coach",
]


def _on_postgres(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql, params=None)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("coaching", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP), elidable=False),
    ]
