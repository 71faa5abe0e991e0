"""Customer models, one module per sub-domain (DESIGN.md: a module past ~500 lines splits).

Each module's models are re-exported here, so `from customers.models import Customer` stays true.
"""

from .account_team import AccountTeamMember, CustomerStrategy, TeamRole
from .classification import Industry
from .customer import Contact, Customer, DecisionRole, Level, Source
from .levels import LevelChange
from .pool import PoolMove, PoolRule
from .relations import ContactEmployeeRelation, ContactRelation, RelationKind

__all__ = ["AccountTeamMember", "Contact", "ContactEmployeeRelation", "ContactRelation", "Customer", "CustomerStrategy",
           "DecisionRole", "Industry", "Level", "LevelChange", "PoolMove", "PoolRule", "RelationKind", "Source",
           "TeamRole"]
