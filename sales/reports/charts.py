"""The reports' charts (plotly figures; core.views.reports draws them through core.charts)."""

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from ..models.opportunities import OpportunityStatus

WON, LOST, OPEN = "#198754", "#b02a37", "#0a58ca"


def funnel_chart(rows, params):
    steps = [row for row in rows if row["reached"] is not None]
    if not steps or not steps[0]["reached"]:
        return None
    # A dict, not a Figure: the manager's dashboard draws it on every visit (core.charts).
    return {"data": [{
        "type": "funnel", "y": [row["name"] for row in steps], "x": [row["reached"] for row in steps],
        "textinfo": "value+percent previous",
        "marker": {"color": [WON if row["kind"] == "won" else OPEN for row in steps]},
        "hovertemplate": "%{y}: %{x}<extra></extra>"}],
        "layout": {"title": {"text": _("%(pipeline)s: deals that reached each stage")
                             % {"pipeline": steps[0]["pipeline"]}}}}


def win_loss_chart(rows, params):
    figure = go.Figure()
    for status, colour in ((OpportunityStatus.WON, WON), (OpportunityStatus.LOST, LOST)):
        mine = [row for row in rows if row["status"] == status]
        if mine:
            figure.add_trace(go.Bar(
                name=str(mine[0]["status_label"]), orientation="h", marker_color=colour,
                y=[f"{row['status_label']} · {row['reason_name']}" for row in mine][::-1],
                x=[row["count"] for row in mine][::-1]))
    figure.update_layout(title={"text": _("Deals won and lost, by reason")}, legend={"orientation": "h", "y": -0.15},
                         margin={"l": 160})
    return figure


def competitor_chart(rows, params):
    rows = rows[:15]
    names = [row["name"] for row in rows]
    figure = go.Figure()
    for key, label, colour in (("won", _("Won"), WON), ("lost", _("Lost"), LOST), ("open", _("Open"), OPEN)):
        figure.add_trace(go.Bar(name=label, x=names, y=[row[key] for row in rows], marker_color=colour))
    figure.add_trace(go.Scatter(name=_("Lost to them"), x=names, y=[row["lost_to"] for row in rows],
                                mode="markers", marker={"symbol": "x", "size": 11, "color": "#212529"}))
    figure.update_layout(barmode="stack", title={"text": _("Deals where we met each competitor")},
                         legend={"orientation": "h", "y": -0.25})
    return figure
