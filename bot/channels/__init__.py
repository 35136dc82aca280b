"""Our Rasa input/output channels (loaded by Rasa from bot/credentials.yml)."""
