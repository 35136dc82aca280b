"""Staff console: the web app call-center staff use to take over escalated conversations.

Run it with ``python -m console --host 127.0.0.1 --port 8090`` and create accounts with
``python -m console.accounts add USERNAME --role agent``. Kept import-light on purpose: the
accounts CLI imports this package and must not pull in Sanic.
"""
