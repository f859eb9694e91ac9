"""Resolution channels: proceedings, statutory clocks, hand-offs, documents (issue 4)."""
