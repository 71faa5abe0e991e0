"""Customer models, one module per sub-domain (DESIGN.md: a module past ~500 lines splits).

Each module's models are re-exported here, so `from customers.models import Customer` stays true.
"""

from .classification import Industry
from .customer import Contact, Customer, DecisionRole, Level, Source
from .levels import LevelChange
from .pool import PoolMove, PoolRule

__all__ = ["Contact", "Customer", "DecisionRole", "Industry", "Level", "LevelChange", "PoolMove", "PoolRule",
           "Source"]
