# The Motif application image: web (uvicorn), Celery workers and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=motif.settings MOTIF_DATA_DIR=/data
RUN apt-get update && apt-get install -y --no-install-recommends \
      libfluidsynth3 ffmpeg libgl1 libglib2.0-0 gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
# On a GPU host, install the CUDA build of the same torch version instead.
RUN pip install torch==2.13.0 && pip install -r requirements.txt
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput --verbosity 0
RUN useradd --create-home motif && mkdir -p /data && chown motif /data
USER motif
EXPOSE 8000
CMD ["uvicorn", "motif.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--lifespan", "off", "--proxy-headers"]
