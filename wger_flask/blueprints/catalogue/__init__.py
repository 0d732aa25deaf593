"""Catalogue routes: the shared lookups (languages, licenses, units) and the exercise catalogue."""
