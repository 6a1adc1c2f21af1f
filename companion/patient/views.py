"""The patient's walkthrough: language, steps, own questions, values, readiness and review.

Every form posts and redirects (works without JavaScript); with JavaScript the same endpoints take
autosave posts as the patient types and answer with JSON instead of a redirect. The pages live in
front_door (choosing, starting, resuming), pages (one discussion's pages) and tablet (which
discussion this browser may show); this module gathers them into the blueprint the app registers.
"""

from __future__ import annotations

from . import front_door, pages, tablet
from .blueprint import bp

__all__ = ["bp", "front_door", "pages", "tablet"]
