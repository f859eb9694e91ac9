"""Participation: see docs/participation.md."""
