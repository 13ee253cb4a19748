"""gettext catalogs, one folder per language."""
