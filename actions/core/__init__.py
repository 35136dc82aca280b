"""Pure domain logic: no rasa, rasa_sdk, sanic or network-client imports (tests enforce this)."""
