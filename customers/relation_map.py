"""The relationship map of a customer, as data and as a plotly figure (laid out by hand in layers).

Layers: contacts by reporting depth (whoever reports to nobody on top), our employees in a row
below. Contacts are coloured by their role in the buying decision; edges carry their kind or
strength as a label at their middle.
"""

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from org.permissions import has_perm

from .models import Contact, ContactEmployeeRelation, ContactRelation, DecisionRole, RelationKind

ROLE_COLOURS = {
    DecisionRole.DECISION_MAKER: "#d63384", DecisionRole.INFLUENCER: "#fd7e14", DecisionRole.TECHNICAL: "#0d6efd",
    DecisionRole.FINANCIAL: "#198754", DecisionRole.USER: "#20c997", DecisionRole.GATEKEEPER: "#6f42c1",
    DecisionRole.OTHER: "#6c757d", "": "#adb5bd",
}
EMPLOYEE_COLOUR = "#0b3d91"
KIND_COLOURS = {RelationKind.REPORTS_TO: "#495057", RelationKind.INFLUENCES: "#fd7e14",
                RelationKind.ADVISES: "#0d6efd", RelationKind.OPPOSES: "#dc3545", RelationKind.ALLIED: "#198754"}
MAX_CONTACTS = 60


def graph_data(user, customer):
    """{"nodes": [...], "edges": [...]} of what `user` may see (three queries)."""
    if not has_perm(user, Contact, "view"):
        return {"nodes": [], "edges": []}
    contacts = list(Contact.objects.filter(customer=customer).order_by("name", "pk")[:MAX_CONTACTS])
    ids = {c.pk for c in contacts}
    nodes = [{"id": f"c{c.pk}", "kind": "contact", "label": c.name, "title": c.title,
              "role": c.decision_role, "role_label": c.get_decision_role_display() if c.decision_role else ""}
             for c in contacts]
    edges = []
    if has_perm(user, ContactRelation, "view"):
        for r in ContactRelation.objects.filter(from_contact__in=ids, to_contact__in=ids).order_by("pk"):
            edges.append({"source": f"c{r.from_contact_id}", "target": f"c{r.to_contact_id}", "kind": r.kind,
                          "label": r.get_kind_display(), "id": r.pk})
    if has_perm(user, ContactEmployeeRelation, "view"):
        employees = {}
        for r in ContactEmployeeRelation.objects.filter(contact__in=ids).select_related("employee").order_by("pk"):
            employees.setdefault(r.employee_id, r.employee)
            edges.append({"source": f"e{r.employee_id}", "target": f"c{r.contact_id}", "kind": "knows",
                          "strength": r.strength, "label": "★" * r.strength, "id": r.pk})
        nodes += [{"id": f"e{e.pk}", "kind": "employee", "label": str(e), "title": _("our employee"),
                   "role": "", "role_label": ""} for e in sorted(employees.values(), key=lambda e: str(e))]
    return {"nodes": nodes, "edges": edges}


def layout(graph):
    """{node id: (x, y)}: contacts in layers by reporting depth, employees one row below."""
    boss = {}
    for edge in graph["edges"]:
        if edge["kind"] == RelationKind.REPORTS_TO:
            boss.setdefault(edge["source"], edge["target"])

    def depth(node, seen=()):
        if node not in boss or node in seen or len(seen) > 20:
            return 0
        return 1 + depth(boss[node], (*seen, node))

    layers = {}
    for node in graph["nodes"]:
        if node["kind"] == "contact":
            layers.setdefault(depth(node["id"]), []).append(node)
    positions = {}
    for level, members in layers.items():
        for index, node in enumerate(members):
            positions[node["id"]] = ((index + 1) / (len(members) + 1), -level)
    # Our employees in a row below, each under the contacts they know (so their lines are short),
    # kept apart from each other and off the vertical of a contact (a line would cross it).
    bottom = -((max(layers) + 1) if layers else 0)
    employees = [node for node in graph["nodes"] if node["kind"] == "employee"]
    known = {}
    for edge in graph["edges"]:
        if edge["kind"] == "knows" and edge["target"] in positions:
            known.setdefault(edge["source"], []).append(positions[edge["target"]][0])
    wanted = sorted((sum(known.get(n["id"], [0.5])) / len(known.get(n["id"], [0.5])), n["id"]) for n in employees)
    contact_xs = [x for x, _y in positions.values()]
    previous = -1.0
    gap = min(0.14, 0.9 / max(1, len(wanted)))
    for x, node_id in wanted:
        x = max(x, previous + gap)
        if any(abs(x - cx) < 0.03 for cx in contact_xs):
            x += 0.06
        positions[node_id] = (min(x, 0.97), bottom)
        previous = x
    return positions


def figure(graph):
    positions = layout(graph)
    fig = go.Figure()
    labels = []
    for kind, colour in [*KIND_COLOURS.items(), ("knows", EMPLOYEE_COLOUR)]:
        xs, ys = [], []
        for edge in graph["edges"]:
            if edge["kind"] != kind:
                continue
            (x0, y0), (x1, y1) = positions[edge["source"]], positions[edge["target"]]
            xs += [x0, x1, None]
            ys += [y0, y1, None]
            labels.append((x0 + (x1 - x0) * 0.5, y0 + (y1 - y0) * 0.5, edge["label"], colour))
        if xs:
            name = _("knows (strength)") if kind == "knows" else str(RelationKind(kind).label)
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=name, hoverinfo="skip",
                                     line={"color": colour, "width": 2, "dash": "dot" if kind == "knows" else "solid"}))
    # Edge labels on a white patch, so that a crossing line does not run through the text.
    for x, y, text, colour in labels:
        fig.add_annotation(x=x, y=y, text=text, showarrow=False, bgcolor="rgba(255,255,255,0.9)",
                           font={"size": 11, "color": colour}, borderpad=2)
    groups = {}
    for node in graph["nodes"]:
        key = "employee" if node["kind"] == "employee" else node["role"]
        groups.setdefault(key, []).append(node)
    for key, members in groups.items():
        colour = EMPLOYEE_COLOUR if key == "employee" else ROLE_COLOURS.get(key, ROLE_COLOURS[""])
        name = _("Our employees") if key == "employee" else (members[0]["role_label"] or _("Role not set"))
        fig.add_trace(go.Scatter(
            x=[positions[n["id"]][0] for n in members], y=[positions[n["id"]][1] for n in members],
            mode="markers+text", name=name, text=[n["label"] for n in members], textposition="bottom center",
            hovertext=[" · ".join(p for p in (n["label"], n["title"], n["role_label"]) if p) for n in members],
            hoverinfo="text",
            marker={"size": 26, "color": colour, "symbol": "square" if key == "employee" else "circle",
                    "line": {"width": 2, "color": "#fff"}},
        ))
    levels = {y for _x, y in positions.values()} or {0}
    fig.update_layout(
        showlegend=True, legend={"orientation": "h", "y": -0.08},
        xaxis={"visible": False, "range": [0, 1]},
        yaxis={"visible": False, "range": [min(levels) - 0.6, max(levels) + 0.4]},
        margin={"l": 8, "r": 8, "t": 8, "b": 8}, hovermode="closest",
    )
    return fig, max(280, 150 * len(levels) + 80)
