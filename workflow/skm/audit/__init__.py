"""Audit: the manifest of a run, the archive of signed versions (publish) and verify."""
