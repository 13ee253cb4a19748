"""Deployed experts: deployments and invitations, activity and progress reports."""
