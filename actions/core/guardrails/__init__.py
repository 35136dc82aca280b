"""Guardrails around the LLM: schema validation, forbidden-content checks and the merge
that keeps the deterministic urgency floor in charge. Pure: no rasa, no network, no torch."""
