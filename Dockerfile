# The app image: web (gunicorn), Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=cxplatform.settings.production

WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Translations and static files are built into the image; the placeholder secret only serves this step.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py translations_compile \
    && SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home-dir /app kokemus \
    && mkdir -p /app/media && chown kokemus /app/media

USER kokemus
EXPOSE 8000
# gunicorn reads its number of worker processes from WEB_CONCURRENCY.
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "cxplatform.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
