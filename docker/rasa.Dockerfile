# The Rasa server (Python 3.10, rasa only: this process never imports torch).
# Build from the repository root:  docker build -f docker/rasa.Dockerfile -t triage-rasa .
# The model is trained here, at build time, with the command of scripts/setup.py (ensure_model).

FROM python:3.10-slim AS build
WORKDIR /app
COPY pyproject.toml ./
COPY docker/requirements.py docker/
RUN python -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --upgrade pip wheel "setuptools<81" \
 && python docker/requirements.py bot > /tmp/requirements.txt \
 && /venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt
COPY bot/ bot/
COPY data/nlu/ data/nlu/
COPY data/rules/ data/rules/
COPY data/stories/ data/stories/
RUN PYTHONPATH=/app /venv/bin/rasa train --config bot/config.yml --domain bot/domain.yml \
      --data data/nlu data/rules data/stories --out models/rasa --fixed-model-name current

FROM python:3.10-slim
RUN useradd --create-home --uid 10001 triage
COPY --from=build /venv /venv
WORKDIR /app
COPY --from=build /app/bot/ bot/
COPY --from=build /app/models/rasa/current.tar.gz models/rasa/current.tar.gz
# One Sanic worker per container: scale with replicas, not workers.
ENV PATH=/venv/bin:$PATH \
    PYTHONPATH=/app \
    SANIC_WORKERS=1 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    TF_CPP_MIN_LOG_LEVEL=2
USER 10001
EXPOSE 5005
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=4 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/', timeout=4)"]
# RASA_TOKEN: the Rasa HTTP API token (the console uses the same). REDIS_*, ACTION_ENDPOINT_URL,
# WEBCHAT_* and TWILIO_* come from the environment (README, Settings).
CMD ["sh", "-c", "exec rasa run --model models/rasa/current.tar.gz --endpoints bot/endpoints.yml --credentials bot/credentials.yml --port 5005 --interface 0.0.0.0 --enable-api --auth-token \"$RASA_TOKEN\""]
