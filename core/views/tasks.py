"""The failed-tasks page: background tasks that failed for good (after their retries), for
administrators (superusers) to read and queue again (core/tasks.py, docs/deployment.md).

Superusers only: a task's arguments may name anyone's records and addresses, beyond any data scope.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.tasks import arguments_summary, attempt_of, failed_results, task_result_retry

PAGE_SIZE = 50


def _require_administrator(user):
    if not user.is_superuser:
        raise PermissionDenied


@login_required
def failed_tasks(request):
    _require_administrator(request.user)
    results = failed_results()
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"result": result, "name": result.task_path.rpartition(".")[2], "arguments": arguments_summary(result),
             "attempts": attempt_of(result), "error": result.exception_class_path.rpartition(".")[2]}
            for result in page.object_list]
    return render(request, "core/failed_tasks.html", {"rows": rows, "page": page, "count": page.paginator.count})


@login_required
@require_POST
def task_retry(request, pk):
    _require_administrator(request.user)
    new_id = task_result_retry(result_id=pk, actor=request.user)
    if new_id is None:
        messages.error(request, _("This task is no longer waiting for a retry."))
    else:
        messages.success(request, _("The task was queued again."))
    return HttpResponseRedirect(reverse("core:failed_tasks"))
