import plotly.graph_objects as go
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.views.generic import TemplateView

from core.charts import figure_html
from core.tagging import prefetch_tags
from core.views import generic

from . import filtersets, forms, tables
from .models import Project


class ProjectListView(generic.ObjectListView):
    queryset = Project.objects.select_related("customer", "owner", "org_unit").prefetch_related(prefetch_tags())
    filterset_class = filtersets.ProjectFilterSet
    table_class = tables.ProjectTable


class ProjectView(generic.ObjectView):
    queryset = Project.objects.select_related("customer", "sponsor", "owner", "org_unit", "updated_by")
    detail_fields = ("name", "customer", "stage", "budget", "due_date", "sponsor", "tags", "notes")
    highlights = ("owner", "customer", "stage", "due_date")


class ProjectEditView(generic.ObjectEditView):
    queryset = Project.objects.all()
    form_class = forms.ProjectForm


class ProjectDeleteView(generic.ObjectDeleteView):
    queryset = Project.objects.all()


class ProjectBulkEditView(generic.BulkEditView):
    queryset = Project.objects.all()
    form_class = forms.ProjectBulkEditForm


class ProjectBulkDeleteView(generic.BulkDeleteView):
    queryset = Project.objects.all()


class ProjectChartView(LoginRequiredMixin, TemplateView):
    """A chart page (test-only): plotly under the strict CSP, as real pages will use it."""

    template_name = "example_app/project_chart.html"

    def get_context_data(self, **kwargs):
        counts = dict(Project.objects.visible_to(self.request.user, "view").values_list("stage")
                      .annotate(n=Count("pk")).order_by())
        figure = go.Figure(go.Bar(x=list(counts) or ["-"], y=list(counts.values()) or [0]))
        return {**super().get_context_data(**kwargs), "chart": figure_html(figure, label="Projects by stage")}
