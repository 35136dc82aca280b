"""Medical NLP for triage: lexicon matching, ConText, and quantity extraction (no Rasa imports)."""
