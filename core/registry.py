"""Registries that let apps plug into each other without importing each other.

- object types: every Kedao object an app exposes (search, audit, recycle bin, roles, tests);
- panels: sections an app adds to another object's detail page;
- menu: navigation entries.
Apps register in their AppConfig.ready().
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

ACTIONS = ("view", "add", "change", "delete", "export", "approve")
ACTION_LABELS = {
    "view": _("view"), "add": _("add"), "change": _("change"), "delete": _("delete"),
    "export": _("export"), "approve": _("approve"),
}


@dataclass
class ObjectType:
    model: type
    # The object's FilterSet (list page and API); its `search_fields` define what `q` matches.
    filterset: type = None
    # Listed in global search and searchable in autocomplete.
    searchable: bool = False
    # Actions a role may be granted on this type, in the role matrix.
    actions: tuple = ACTIONS[:5]
    url_namespace: str = ""

    @property
    def search_fields(self):
        return tuple(self.filterset.search_fields) if self.searchable and self.filterset else ()

    @property
    def key(self):
        return self.model._meta.label_lower

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name

    @property
    def verbose_name_plural(self):
        return self.model._meta.verbose_name_plural

    def url(self, action, obj=None):
        name = f"{self.url_namespace or self.model._meta.app_label}:{self.model._meta.model_name}_{action}"
        try:
            return reverse(name, kwargs={"pk": obj.pk} if obj is not None else None)
        except NoReverseMatch:
            return None


_object_types: dict[str, ObjectType] = {}


def register_object_type(model, **options):
    object_type = ObjectType(model=model, **options)
    _object_types[object_type.key] = object_type
    return object_type


def object_types():
    return list(_object_types.values())


def get_object_type(model_or_key):
    key = model_or_key if isinstance(model_or_key, str) else model_or_key._meta.label_lower
    return _object_types.get(key)


@dataclass
class Panel:
    """A section on a detail page: `render(request, obj)` returns HTML or None (nothing shown)."""

    name: str
    render: callable
    order: int = 100
    models: tuple = field(default_factory=tuple)


_panels: list[Panel] = []


def register_panel(models, name, render, order=100):
    models = models if isinstance(models, list | tuple) else (models,)
    _panels.append(Panel(name=name, render=render, order=order, models=tuple(models)))


def panels_for(model):
    return sorted((p for p in _panels if not p.models or model in p.models), key=lambda p: p.order)


@dataclass
class MenuItem:
    group: str
    label: str
    url_name: str
    model: type = None  # shown only to users granted "view" on it
    order: int = 100


_menu: list[MenuItem] = []


def register_menu_item(group, label, url_name, model=None, order=100):
    _menu.append(MenuItem(group=group, label=label, url_name=url_name, model=model, order=order))


def menu_items():
    return sorted(_menu, key=lambda item: item.order)
