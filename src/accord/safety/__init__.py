"""Safety: see docs/safety.md."""
