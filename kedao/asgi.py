import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedao.settings")
application = get_asgi_application()

from kedao.startup import freeze_startup_objects, require_secret_key  # noqa: E402  (needs the settings loaded above)

require_secret_key()
freeze_startup_objects()
