"""The WSGI entry for gunicorn or any WSGI server: `gunicorn service.wsgi:app`; settings from KGQA_*."""

from service import create_app

app = create_app()
