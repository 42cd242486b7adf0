"""Workers. Without CELERY_BROKER_URL every task runs in-process (eagerly), so
`manage.py runserver` needs no other process; with a broker they run on workers."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("backend")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
