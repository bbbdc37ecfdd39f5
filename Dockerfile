# Minxin web and worker image (docs/operations.md "Containers").
# No key is baked in: every secret comes at run time from the environment or a *_FILE secret.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    MINXIN_DATA_DIR=/data \
    STATIC_ROOT=/app/static \
    MINXIN_LOG_FORMAT=json

# fonts-noto-cjk: the monthly PDF report's Chinese font (minxin/analytics/report.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY minxin ./minxin
RUN pip install . && rm -rf build minxin.egg-info

# collectstatic needs settings, and settings need keys: throwaway development keys in a
# directory removed in the same layer, so none reaches the image.
RUN MINXIN_DATA_DIR=/tmp/build DEBUG=1 minxin collectstatic --noinput \
    && rm -rf /tmp/build

RUN useradd --system --uid 10001 --home-dir /data minxin \
    && mkdir -p /data \
    && chown minxin /data
USER minxin
VOLUME /data
EXPOSE 8000

CMD ["gunicorn", "minxin.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4"]
