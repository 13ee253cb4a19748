"""Coordination: what coordinators look at across every programme (/stats)."""
