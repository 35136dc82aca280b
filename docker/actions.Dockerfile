# The action server (Python 3.11): rasa-sdk, the medical NLP pipeline and the local LLM.
# Build from the repository root:  docker build -f docker/actions.Dockerfile -t triage-actions .
# The LLM weights are converted here, at build time (scripts/setup.py ensure_llm's command):
# nothing is downloaded when a container starts.

FROM python:3.11-slim AS build
# A CPU-only torch wheel keeps the image small: point this at an index that serves one.
ARG PIP_EXTRA_INDEX_URL=""
WORKDIR /app
COPY pyproject.toml ./
COPY docker/requirements.py docker/
RUN python -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --upgrade pip wheel "setuptools<81" \
 && python docker/requirements.py actions > /tmp/requirements.txt \
 && python docker/requirements.py actions --no-deps > /tmp/no-deps.txt \
 && /venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt \
 && /venv/bin/pip install --no-cache-dir --no-deps -r /tmp/no-deps.txt
COPY actions/ actions/
COPY data/ data/
RUN PYTHONPATH=/app HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 /venv/bin/python -m actions.llm.convert

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 triage
COPY --from=build /venv /venv
WORKDIR /app
COPY --from=build /app/actions/ actions/
COPY --from=build /app/data/ data/
COPY --from=build /app/models/llm/ models/llm/
# Pure helpers shared with the Rasa process (settings, retention, development-mode rules) and the
# token-checking launcher.
COPY bot/ bot/
COPY scripts/action_server.py scripts/
ENV PATH=/venv/bin:$PATH \
    PYTHONPATH=/app \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ACTION_SERVER_WARMUP=1
USER 10001
EXPOSE 5055
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=4 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=4)"]
# REDIS_URL, SCHEDULING_DB_URL, LOG_HASH_KEY, ACTION_SERVER_TOKEN, LLM_* come from the environment
# (README, Settings). --host 0.0.0.0: the container network is private; every call still needs
# X-Action-Token.
# Run `python -m actions.booking.migrations "$SCHEDULING_DB_URL"` once per release first.
CMD ["python", "-m", "scripts.action_server", "--actions", "actions", "--host", "0.0.0.0", "--port", "5055"]
