"""Ingest: what a unit hands over (exports, YAML settings, photos), read, checked and redacted."""
