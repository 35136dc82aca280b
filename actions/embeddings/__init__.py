"""Sentence embeddings (all-MiniLM-L6-v2, local, CPU) for the FAQ retriever and the triage
semantic matcher. This package is an adapter: it may import torch; the pure core sees only the
``SentenceEncoder`` protocol (actions/core/semantic.py)."""
