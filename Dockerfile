# Build the front-end assets with Node, then run the app on a slim Python image.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev \
 && mkdir -p vendor \
 && cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map vendor/ \
 && cp node_modules/htmx.org/dist/htmx.min.js vendor/

FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app
RUN useradd --create-home --uid 1000 app
COPY pyproject.toml README.md ./
COPY config ./config
COPY athletes ./athletes
COPY checkins ./checkins
COPY plans ./plans
COPY conversations ./conversations
RUN pip install .
COPY . .
COPY --from=assets /src/vendor ./static/vendor
# collectstatic needs a key and an address to import settings; neither is used here.
RUN DJANGO_SECRET_KEY=collectstatic-only SITE_URL=http://collectstatic.invalid python manage.py collectstatic --noinput \
 && mkdir -p /app/private_media && chown -R app:app /app/private_media
USER app
EXPOSE 8000
# gunicorn.conf.py: bind, workers, and an access log without query strings or secret tokens.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "config.wsgi"]
