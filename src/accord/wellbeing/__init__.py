"""Wellbeing: see docs/wellbeing.md."""
