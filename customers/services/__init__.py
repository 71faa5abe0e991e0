"""Customer workflows (DESIGN.md: `<noun>_<verb>` services with the acting user), by topic."""

from .pool import (
    customer_assign,
    customer_claim,
    customer_release,
    customer_touch,
    pool_return_due,
    rules_for,
    seller_standing,
)

__all__ = ["customer_assign", "customer_claim", "customer_release", "customer_touch", "pool_return_due",
           "rules_for", "seller_standing"]
