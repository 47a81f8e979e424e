"""The WSGI entry for a server's own command, settings from KGQA_*: `granian --interface wsgi service.wsgi:app`
or `gunicorn service.wsgi:app`. Each worker process then loads the graph itself; `kgqa serve` loads it once."""

from service import create_app
from service.server import close_pool_at_exit

app = close_pool_at_exit(create_app())
