"""Who may change whom, and what a password change or deactivation ends.

The privilege rule (docs/security.md): nobody may raise a user, a role or themselves above what
they hold. One set of functions, called by the pages (org/forms.py, org/views.py) and the API
(org/api/serializers.py, org/api/views.py) alike:

- `check_may_manage(actor, employee)`: a superuser is changed only by a superuser; a user whose
  roles grant an (object type, action) the actor does not hold at an equal or wider scope is
  changed by nobody below them (403 — not even their password or their `is_active`).
- `role_check_manageable(actor, role)`: the same for a role (changing it changes its holders).
- `role_check_grantable(actor, grants)`: a role may grant only what the actor holds (400 on the
  grants).
- `employee_check_roles(actor, roles)`: a user may be given only roles within what the actor
  holds — oneself included (400 on `roles`).
- `employee_check_flags(actor, employee, changes)`: only a superuser sets `is_superuser` /
  `is_staff` (400 on the field).

`employee_password_set` and `employee_access_revoke` end what a new password or a deactivation
must end: the user's API tokens and login sessions.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.registry import ACTION_LABELS, get_object_type

from .models import Employee, RolePermission, Scope

# Which granted scopes a scope includes. Scopes name positions in the org, not row sets, and are
# only partly ordered: "subordinates" (reporting lines) and "unit"/"subtree" (the org tree) cover
# different people, so neither is wider than the other; every scope includes one's own records.
SCOPE_COVERS = {
    Scope.OWN: {Scope.OWN},
    Scope.SUBORDINATES: {Scope.OWN, Scope.SUBORDINATES},
    Scope.UNIT: {Scope.OWN, Scope.UNIT},
    Scope.SUBTREE: {Scope.OWN, Scope.UNIT, Scope.SUBTREE},
    Scope.ALL: set(Scope.values),
}
FLAG_FIELDS = ("is_superuser", "is_staff")


def _effective_scope(object_type, scope):
    # On an object type without owners (org objects) or one that follows its parent (contacts
    # follow customers) the scope of a grant decides nothing: any grant of the action reaches every
    # row the action may reach, so it counts as the widest. Unknown types are compared strictly.
    registered = get_object_type(object_type)
    if registered is not None and getattr(registered.model, "scope_kind", "global") != "scoped":
        return Scope.ALL
    return scope


def held_grants(user):
    """{(object type, action): set of effective scopes} that `user`'s live roles grant.

    Read from the database each time (not the per-request cache of org.permissions): the rule is
    about what is stored right now, and the user compared may be the one being edited."""
    result = {}
    rows = RolePermission.objects.filter(role__employees=user, role__deleted_at__isnull=True).values_list(
        "object_type", "action", "scope")
    for object_type, action, scope in rows:
        result.setdefault((object_type, action), set()).add(_effective_scope(object_type, scope))
    return result


def _covered(held, object_type, action, scope):
    scope = _effective_scope(object_type, scope)
    return any(scope in SCOPE_COVERS.get(mine, {mine}) for mine in held.get((object_type, action), ()))


def grants_beyond(actor, grants):
    """The (object type, action, scope) triples of `grants` that `actor` does not hold."""
    if actor.is_superuser:
        return []
    held = held_grants(actor)
    return sorted({(o, a, s) for o, a, s in grants if not _covered(held, o, a, s)})


def _grant_label(grant):
    object_type, action, scope = grant
    registered = get_object_type(object_type)
    name = registered.verbose_name_plural if registered is not None else object_type
    scope_label = Scope(scope).label if scope in Scope.values else scope
    return f"{name} · {ACTION_LABELS.get(action, action)} · {scope_label}"


def _role_grants(role):
    return list(RolePermission.objects.filter(role=role).values_list("object_type", "action", "scope"))


def _employee_grants(employee):
    return [(o, a, s) for (o, a), scopes in held_grants(employee).items() for s in scopes]


def check_may_manage(actor, employee):
    """Refuse (PermissionDenied → 403) a change of `employee` by an `actor` holding less power.

    Equal power is enough: an administrator may manage another administrator, and themselves."""
    if employee.pk is None or actor.is_superuser:
        return
    if employee.is_superuser:
        raise PermissionDenied(_("%(name)s is a superuser; only a superuser may change them.")
                               % {"name": employee})
    if employee.pk != actor.pk and grants_beyond(actor, _employee_grants(employee)):
        raise PermissionDenied(_("%(name)s holds rights you do not hold; only someone with at least the "
                                 "same rights may change them.") % {"name": employee})


def role_check_manageable(actor, role):
    """Refuse (403) changing or deleting a role that grants more than `actor` holds: it would
    change the power of everyone holding it."""
    if role.pk is None:
        return
    if grants_beyond(actor, _role_grants(role)):
        raise PermissionDenied(_("The role %(role)s grants rights you do not hold; only someone with at least "
                                 "those rights may change it.") % {"role": role})


def role_check_grantable(actor, grants, field="grants"):
    """Refuse (ValidationError on `field`) grants beyond what `actor` holds.

    Returns the offending triples so a form can mark each cell."""
    beyond = grants_beyond(actor, grants)
    if beyond:
        raise ValidationError({field: [
            _("You may not grant what you do not hold yourself: %(grants)s.")
            % {"grants": "; ".join(_grant_label(grant) for grant in beyond)}
        ]})


def employee_check_roles(actor, roles, field="roles"):
    """Refuse (ValidationError on `field`) giving a user — oneself included — a role granting
    more than `actor` holds."""
    if actor.is_superuser:
        return
    too_strong = [role for role in roles if grants_beyond(actor, _role_grants(role))]
    if too_strong:
        raise ValidationError({field: [
            _("You may not assign a role that grants more than you hold: %(roles)s.")
            % {"roles": ", ".join(str(role) for role in too_strong)}
        ]})


def employee_check_flags(actor, employee, changes):
    """Only a superuser may set is_superuser / is_staff (sending the stored value is fine)."""
    if actor.is_superuser:
        return
    errors = {}
    for name in FLAG_FIELDS:
        if name in changes and bool(changes[name]) != bool(getattr(employee, name, False)):
            errors[name] = [_("Only a superuser may change this.")]
    if errors:
        raise ValidationError(errors)


def employee_check_change(*, actor, employee, changes):
    """Every check of the rule for one employee write; `employee` is the stored row (unsaved for
    a new one), `changes` the submitted values by field name."""
    check_may_manage(actor, employee)
    employee_check_flags(actor, employee, changes)
    if changes.get("roles") is not None:
        employee_check_roles(actor, changes["roles"])


# --- what a new password or a deactivation ends ------------------------------------------------

def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _session_keys(employee):
    # Only database-backed sessions can be listed; with other engines Django's session hash
    # (password change) and the backend's is_active check (deactivation) still end them on the
    # next request.
    if settings.SESSION_ENGINE not in ("django.contrib.sessions.backends.db",
                                       "django.contrib.sessions.backends.cached_db"):
        return []
    from django.contrib.sessions.models import Session

    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(employee.pk):
            keys.append(session.session_key)
    return keys


def employee_access_revoke(employee, *, keep_session_key=None):
    """Delete the employee's API tokens and login sessions (except `keep_session_key`, the session
    of someone changing their own password)."""
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=employee).delete()
    store = _session_store()
    for key in _session_keys(employee):
        if key != keep_session_key:
            store(session_key=key).delete()


@transaction.atomic
def employee_password_set(*, employee, password, keep_session_key=None):
    """Set a new password (already validated) and end every other way in: old tokens stop
    working (401) and the next login gets a new key; other sessions are logged out."""
    employee.set_password(password)
    employee.password_changed_at = timezone.now()
    Employee.objects.filter(pk=employee.pk).update(password=employee.password,
                                                   password_changed_at=employee.password_changed_at)
    employee_access_revoke(employee, keep_session_key=keep_session_key)


def employee_access_update(*, employee, password=None, was_active=True):
    """Called inside the write of an employee (page or API, after the row is saved): apply a new
    password and, when the write deactivated the employee, end all their tokens and sessions."""
    if password:
        employee_password_set(employee=employee, password=password)
    if was_active and not employee.is_active:
        employee_access_revoke(employee)


def employee_write_guard(*, actor, instance, action):
    """Every write of an employee through the generic services (pages, API, bulk edit, imports)."""
    check_may_manage(actor, instance)


def role_write_guard(*, actor, instance, action):
    """Every write of a role through the generic services: edit, delete, and restore from the bin."""
    role_check_manageable(actor, instance)


def register_write_guards():
    from core.services import register_write_guard

    from .models import Role

    register_write_guard(Employee, employee_write_guard)
    register_write_guard(Role, role_write_guard)
