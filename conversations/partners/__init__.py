"""Expressions of interest: the form, its questions, revising, coordinators' review, /mine."""
