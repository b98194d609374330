"""Individual leadership development: agreements, coaches, courses and bookings."""

from .agreements import (
    AvailabilityException,
    CoachProfile,
    ExceptionKind,
    FrameworkAgreement,
    Mode,
    Supplier,
    Weekday,
    WeeklyAvailability,
)
from .bookings import BILLABLE, OCCUPYING, USED, Booking, BookingStatus, InvoiceBasis
from .courses import (
    OPEN_STATUSES,
    CoachingCourse,
    CourseStatus,
    DevelopmentProject,
    DiscoveryMethod,
    ReflectionNote,
)
from .invoicing import InvoiceSettings

__all__ = [
    "BILLABLE", "OCCUPYING", "OPEN_STATUSES", "USED", "AvailabilityException", "Booking",
    "BookingStatus", "CoachProfile", "CoachingCourse", "CourseStatus", "DevelopmentProject",
    "DiscoveryMethod", "ExceptionKind", "FrameworkAgreement", "InvoiceBasis",
    "InvoiceSettings", "Mode",
    "ReflectionNote", "Supplier", "WeeklyAvailability", "Weekday",
]
