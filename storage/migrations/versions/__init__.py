"""Migration scripts, named by date."""
