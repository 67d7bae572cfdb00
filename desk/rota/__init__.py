"""The rota engine: coverage (when the desk answers), duty (who answers, in what order), gaps."""

from desk.rota.coverage import Coverage, CoverageRules, coverage
from desk.rota.duty import Responder, Rota, Step, responders
from desk.rota.gaps import Segment, gap_minutes, gaps, iso_week, segments

__all__ = [
    "Coverage",
    "CoverageRules",
    "Responder",
    "Rota",
    "Segment",
    "Step",
    "coverage",
    "gap_minutes",
    "gaps",
    "iso_week",
    "responders",
    "segments",
]
