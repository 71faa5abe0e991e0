from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _recover_lost_tasks(now):
    from .tasks import run_recover_job

    return run_recover_job(now)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import panels
        from .registry import register_scheduled_job

        panels.register()
        # Work left "running" by a worker that died is queued again (core/tasks.py).
        register_scheduled_job("core.tasks_recover", _("Queue again the tasks of workers that stopped"),
                               _recover_lost_tasks, every=300)
