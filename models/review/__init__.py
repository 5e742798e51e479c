"""The monthly Mission Shakti review: complaints, anti-Romeo work, awareness, CCTV, resources."""

from models.review.league import LeagueParams, league_table
from models.review.period import Period
from models.review.resources import ResourceNorm, shortfalls
from models.review.review import Review, ReviewLayers, figures_table, monthly_review

__all__ = [
    "LeagueParams",
    "Period",
    "ResourceNorm",
    "Review",
    "ReviewLayers",
    "figures_table",
    "league_table",
    "monthly_review",
    "shortfalls",
]
