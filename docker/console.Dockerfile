# The staff console (Python 3.11): escalation queue and takeover, over Redis and Rasa's HTTP API.
# Build from the repository root:  docker build -f docker/console.Dockerfile -t triage-console .

FROM python:3.11-slim AS build
WORKDIR /app
COPY pyproject.toml ./
COPY docker/requirements.py docker/
RUN python -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --upgrade pip \
 && python docker/requirements.py actions --only rasa-sdk,redis,pyyaml,httpx,twilio,argon2-cffi \
      > /tmp/requirements.txt \
 && /venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 triage
COPY --from=build /venv /venv
WORKDIR /app
COPY actions/ actions/
COPY console/ console/
COPY bot/ bot/
ENV PATH=/venv/bin:$PATH \
    PYTHONPATH=/app
USER 10001
EXPOSE 8090
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=4 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8090/health', timeout=4)"]
# REDIS_URL, RASA_URL, RASA_TOKEN and CONSOLE_* come from the environment (README, Settings).
CMD ["python", "-m", "console", "--host", "0.0.0.0", "--port", "8090"]
