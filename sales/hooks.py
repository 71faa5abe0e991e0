"""Extension points inside the sales app, so that its parts (collisions, quotes) plug into the
opportunity workflow without the workflow importing them."""

_create_hooks = []


def register_opportunity_create_hook(fn):
    """`fn(*, opportunity, actor)` runs inside the create's transaction, after the row and its first
    stage history entry are written (collision registration: sales.collisions)."""
    if fn not in _create_hooks:
        _create_hooks.append(fn)


def opportunity_create_hooks():
    return list(_create_hooks)
