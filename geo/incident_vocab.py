"""Vocabularies of the incidents layer: where a record comes from and the action taken."""

from __future__ import annotations

from typing import Final

#: The source of the anti-Romeo squads' actions (the monthly review counts them).
SOURCE_ANTI_ROMEO: Final = "anti-romeo-action"
#: Values of ``geo.schema.SOURCE``.
SOURCES: Final = ("complaint", SOURCE_ANTI_ROMEO, "helpline-call", "mission-shakti-centre")

#: Values of ``geo.schema.ACTION_TAKEN``, each named once: the review counts cases
#: registered, detentions and couples counselled and reunited; the demo data fixes their totals.
ACTION_NONE: Final = "none"
ACTION_CASE_REGISTERED: Final = "case-registered"
ACTION_DETAINED: Final = "detained"
ACTION_WARNED: Final = "warned"
ACTION_COUNSELLED: Final = "counselled-reunited"
ACTION_REFERRED: Final = "referred"
ACTIONS: Final = (
    ACTION_NONE,
    ACTION_CASE_REGISTERED,
    ACTION_DETAINED,
    ACTION_WARNED,
    ACTION_COUNSELLED,
    ACTION_REFERRED,
)
