"""Customer models, one module per sub-domain (DESIGN.md: a module past ~500 lines splits).

Each module's models are re-exported here, so `from customers.models import Customer` stays true.
"""

from .customer import Contact, Customer, DecisionRole, Industry, Level, Source
from .pool import PoolMove, PoolRule
from .relations import ContactEmployeeRelation, ContactRelation, RelationKind

__all__ = ["Contact", "ContactEmployeeRelation", "ContactRelation", "Customer", "DecisionRole", "Industry", "Level",
           "PoolMove", "PoolRule", "RelationKind", "Source"]
