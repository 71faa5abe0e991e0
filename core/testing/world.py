"""A small company for tests: the org positions the scope tests need.

    HQ (company)                      ceo: role "executive" (all)
    ├── North 北区 (region)           north_manager: manager of North, role "manager" (subtree)
    │   ├── N-Branch1 (branch)        branch_manager: manager of N-Branch1, role "manager" (subtree)
    │   │   └── N-Dept1 (department)  dept_head: role "lead" (subordinates); seller1, seller2 report to them
    │   └── N-Branch2 (branch)        seller3 (own); dotted line to dept_head
    └── South 南区 (region)           south_seller (own), unit_viewer: role "unit" (unit)
Everyone sees their own records; seller1 is in project team "matrix" with south_seller.

The roles grant on every registered object type whose rows have owners (scope kind "scoped" or
"parent"), read from the registry when the world is built: a type added later gets the same
grants without an edit here. Every role also views the company-wide org objects (EVERYONE_VIEWS);
changing them is granted by the test context (admin).
"""

from dataclasses import dataclass, field

from core.registry import object_types
from org.models import OrgUnit
from org.tests.factories import EmployeeFactory, OrgUnitFactory, TeamFactory, full_grants, make_role


def scoped_object_types():
    """Registered object types whose visibility depends on who owns the row (or its parent)."""
    return [object_type for object_type in object_types()
            if getattr(object_type.model, "scope_kind", "global") in ("scoped", "parent")]


def grants_for(object_types_, scope, actions=None):
    """{key: {action: scope}} for each type, over the actions it offers (or `actions` among them)."""
    return {object_type.key: {action: scope for action in object_type.actions
                              if actions is None or action in actions}
            for object_type in object_types_}


# People and teams are company-wide: everyone may see them (to pick an owner or a team member), as
# in the demo roles; only administrators change them.
EVERYONE_VIEWS = ("org.employee", "org.team", "org.orgunit", "org.productline")


@dataclass
class World:
    units: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    teams: dict = field(default_factory=dict)

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_world(types=None):
    """The company above; its roles grant on `types` (default: every scoped registered type)."""
    types = scoped_object_types() if types is None else types
    world = World()
    u = world.units
    u["hq"] = OrgUnitFactory(name="总部", code="HQ", kind=OrgUnit.Kind.COMPANY)
    u["north"] = OrgUnitFactory(name="北区", code="NORTH", kind=OrgUnit.Kind.REGION, parent=u["hq"])
    u["nb1"] = OrgUnitFactory(name="北京分公司", code="NB1", kind=OrgUnit.Kind.BRANCH, parent=u["north"])
    u["nd1"] = OrgUnitFactory(name="北京销售一部", code="ND1", parent=u["nb1"])
    u["nb2"] = OrgUnitFactory(name="天津分公司", code="NB2", kind=OrgUnit.Kind.BRANCH, parent=u["north"])
    u["south"] = OrgUnitFactory(name="南区", code="SOUTH", kind=OrgUnit.Kind.REGION, parent=u["hq"])

    company = full_grants(EVERYONE_VIEWS, "all", actions=("view",))
    roles = {
        "executive": make_role("executive", company | grants_for(types, "all")),
        "manager": make_role("manager", company | grants_for(types, "subtree")),
        "lead": make_role("lead", company | grants_for(types, "subordinates")),
        "unit": make_role("unit", company | grants_for(types, "unit")),
        "seller": make_role("seller", company | grants_for(types, "own")),
        "reader": make_role("reader", company | grants_for(types, "all", actions=("view",))),
    }
    e = world.users
    e["ceo"] = EmployeeFactory(username="ceo", unit=u["hq"], roles=[roles["executive"]])
    e["north_manager"] = EmployeeFactory(username="north.manager", unit=u["north"], manager=e["ceo"],
                                         roles=[roles["manager"]])
    e["branch_manager"] = EmployeeFactory(username="nb1.manager", unit=u["nb1"], manager=e["north_manager"],
                                          roles=[roles["manager"]])
    e["dept_head"] = EmployeeFactory(username="nd1.head", unit=u["nd1"], manager=e["branch_manager"],
                                     roles=[roles["lead"]])
    e["seller1"] = EmployeeFactory(username="north.seller1", unit=u["nd1"], manager=e["dept_head"],
                                   roles=[roles["seller"]])
    e["seller2"] = EmployeeFactory(username="north.seller2", unit=u["nd1"], manager=e["dept_head"],
                                   roles=[roles["seller"]])
    e["seller3"] = EmployeeFactory(username="north.seller3", unit=u["nb2"], roles=[roles["seller"]])
    e["seller3"].dotted_managers.add(e["dept_head"])
    e["south_seller"] = EmployeeFactory(username="south.seller", unit=u["south"], roles=[roles["seller"]])
    e["unit_viewer"] = EmployeeFactory(username="south.unit", unit=u["south"], roles=[roles["unit"]])
    e["reader"] = EmployeeFactory(username="reader", unit=u["south"], roles=[roles["reader"]])
    e["nobody"] = EmployeeFactory(username="nobody", unit=u["south"])
    u["north"].manager = e["north_manager"]
    u["north"].save()
    u["nb1"].manager = e["branch_manager"]
    u["nb1"].save()
    world.teams["matrix"] = TeamFactory(name="矩阵项目组", members=[e["seller1"], e["south_seller"]])
    world.roles = roles
    return world
