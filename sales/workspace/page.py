"""The opportunity page as a deal workspace (seed 003, 项目型销售): the record header, the path
through the pipeline's stages, and tabs — Overview (fields, line items, stage history), Team,
Documents, Competition, Strategy, one tab per panel other apps register, History.

Panels are the registry's (core.registry.register_panel on Opportunity); this module only places
them. A later app (tasks, expenses, contracts) registers its panel and gets a tab of its own named
after it, or names an existing tab with `place_panel()` (e.g. quotes beside the documents).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from ..models import Stage, StageKind


@dataclass
class Tab:
    key: str
    label: str
    panel_keys: list = field(default_factory=list)
    order: int = 100


_tabs: dict[str, Tab] = {}


def register_workspace_tab(key, label, panel_keys=(), order=100):
    """A tab of the workspace holding the panels with these keys (in panel order)."""
    _tabs[key] = Tab(key=key, label=label, panel_keys=list(panel_keys), order=order)


def place_panel(panel_key, tab_key):
    """Show a registered panel in an existing tab instead of a tab of its own."""
    _tabs[tab_key].panel_keys.append(panel_key)


def workspace_tabs():
    return sorted(_tabs.values(), key=lambda t: t.order)


# The registration (collision review) banner opens the overview: a pending deal says so first.
register_workspace_tab("overview", _("Overview"), ("registration", "lines", "quotes", "stage-history"), order=10)
register_workspace_tab("team", _("Team"), ("deal-team", "team"), order=20)
register_workspace_tab("documents", _("Documents"), ("documents",), order=30)
register_workspace_tab("competition", _("Competition"), ("competitors",), order=40)
register_workspace_tab("strategy", _("Strategy"), ("strategy-notes",), order=50)
register_workspace_tab("history", _("History"), ("history",), order=900)


def arrange(panels):
    """[(tab, [panel entries])]: the registered tabs that have a panel, and a tab per panel no
    tab names (before History), in the order the panels were registered."""
    placed = {}
    for tab in workspace_tabs():
        for key in tab.panel_keys:
            placed.setdefault(key, tab.key)
    by_tab = {tab.key: [] for tab in workspace_tabs()}
    extra = []
    for panel in panels:
        tab_key = placed.get(panel["key"])
        if tab_key is None:
            extra.append(({"key": f"panel-{panel['key']}", "label": panel["name"]}, [panel]))
        else:
            by_tab[tab_key].append(panel)
    tabs = []
    for tab in workspace_tabs():
        if tab.key == "history":
            tabs.extend(extra)
        if by_tab[tab.key] or tab.key == "overview":
            tabs.append(({"key": tab.key, "label": tab.label}, by_tab[tab.key]))
    return tabs


def stage_path(opportunity):
    """The pipeline's open stages in order and where the deal stands; a closed deal ends in its
    won or lost stage. One query (the stages of one pipeline)."""
    stages = list(Stage.objects.filter(pipeline_id=opportunity.pipeline_id).order_by("order", "pk"))
    current = next((s for s in stages if s.pk == opportunity.stage_id), None)
    steps = [s for s in stages if s.kind == StageKind.OPEN]
    if current is not None and current.kind != StageKind.OPEN:
        steps.append(current)
    position = next((i for i, s in enumerate(steps) if s.pk == opportunity.stage_id), -1)
    return [{"stage": s, "state": "current" if i == position else ("done" if i < position else "todo"),
             "kind": s.kind} for i, s in enumerate(steps)]


class WorkspaceMixin:
    """Mixed into the opportunity's detail view (sales.views)."""

    template_name = "sales/workspace/opportunity.html"

    def panel_context(self, request, obj):
        context = super().panel_context(request, obj)
        tabs = arrange(context["panels"])
        context["workspace_tabs"] = tabs
        context["overview_panels"] = tabs[0][1] if tabs and tabs[0][0]["key"] == "overview" else []
        context["stage_path"] = stage_path(obj)
        return context


def workspace_view(detail_view):
    """The opportunity's generated detail view with the workspace around it."""
    return type("OpportunityView", (WorkspaceMixin, detail_view), {"__module__": detail_view.__module__})
