"""Background work of customers: the pool's periodic return and warnings."""

from core.tasks import kedao_task


@kedao_task()
def pool_housekeeping():
    """Return overdue customers to their pools and warn owners (the scheduled job, as a task)."""
    from .services.pool import pool_return_due

    returned, warned = pool_return_due()
    return {"returned": returned, "warned": warned}


def run_pool_job(now):
    """The scheduled job `customers.pool` (manage.py run_scheduled)."""
    from .services.pool import pool_return_due

    returned, warned = pool_return_due(now=now)
    return f"{returned} returned to the pool, owners warned about {warned}"
