"""Anonymised topic statistics: events, store, reports."""
