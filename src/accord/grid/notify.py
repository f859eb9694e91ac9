"""Residents told of each step of their case: the grid part subscribes to the cases hook
and hands the message to core.notifications (filled in below)."""
