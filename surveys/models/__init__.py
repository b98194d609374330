"""Surveys: instruments (questionnaires as data), rounds, invitations and answers.

Split by domain: :mod:`.instruments` holds what is asked, :mod:`.rounds` who is
asked when, :mod:`.responses` what was answered — kept apart from who answered.
"""

from .instruments import Choice, Dimension, Instrument, InstrumentKind, Item, ItemKind
from .responses import Answer, Draft, Response
from .rounds import AnonymitySettings, Invitation, Phase, Round

__all__ = [
    "AnonymitySettings", "Answer", "Choice", "Dimension", "Draft", "Instrument",
    "InstrumentKind", "Invitation", "Item", "ItemKind", "Phase", "Response", "Round",
]
