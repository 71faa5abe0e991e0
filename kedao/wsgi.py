import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedao.settings")
application = get_wsgi_application()

from kedao.startup import freeze_startup_objects, require_secret_key  # noqa: E402  (needs the settings loaded above)

require_secret_key()
freeze_startup_objects()
