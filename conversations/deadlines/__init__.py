"""Deadlines: calls, deadlines set by coordinators, reminders, /deadlines, /settings."""
