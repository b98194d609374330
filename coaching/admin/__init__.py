"""Admin for O&F: suppliers, agreements, coaches, courses, bookings and the invoice basis.

The development project and reflection notes are deliberately not registered:
they belong to the leader, and O&F sees only counts, hours and status.
"""

from . import agreements, courses, invoices  # noqa: F401  (registers the admins)
