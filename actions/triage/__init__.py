"""Symptom check (Rasa adapters): the interview form, the result, the shared pre-screening
service, the batch CLI and the audit store. The logic lives in ``actions.core.triage``."""
