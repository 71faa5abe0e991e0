"""Core's door to the one permission decision.

The decision itself lives in org.permissions (it reads roles, the org tree and teams); org hands
it to core in OrgConfig.ready() through `core.registry.set_permission_provider`, so core imports
no app and the core <-> org import loop is gone. Code in core calls these two functions.
"""

from core.registry import permission_provider


def has_perm(user, model, action):
    """Whether any role grants `action` on `model` at all (whatever the scope)."""
    return permission_provider().has_perm(user, model, action)


def scope_filter(user, model, action, deleted_parents=False):
    """None = every row; False = no row; a Q = the rows matching it. `deleted_parents`: a child
    also counts when its parent is in the recycle bin (the recycle bin and restore)."""
    if deleted_parents:
        return permission_provider().scope_filter(user, model, action, deleted_parents=True)
    return permission_provider().scope_filter(user, model, action)


def reaches_by_scope(user, model, action, owner_id, org_unit_id):
    """True when a record of `model` with this owner and unit is within the user's own scopes
    (no share or rule needed); False means "ask scope_filter"."""
    return permission_provider().reaches_by_scope(user, model, action, owner_id, org_unit_id)
