"""Deterministic symptom pre-screening: rules as data (data/triage) + a pure engine."""
