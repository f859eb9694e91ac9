"""Grid: see docs/grid.md."""
