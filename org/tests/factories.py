import factory
from factory.django import DjangoModelFactory

from core.registry import ACTIONS
from org.models import Employee, OrgUnit, ProductLine, Role, RolePermission, Team


class OrgUnitFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"部门{n}")
    code = factory.Sequence(lambda n: f"U{n:05d}")
    kind = OrgUnit.Kind.DEPARTMENT


class EmployeeFactory(DjangoModelFactory):
    class Meta:
        model = Employee
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "张"
    first_name = factory.Sequence(lambda n: f"三{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    unit = factory.SubFactory(OrgUnitFactory)
    password = factory.PostGenerationMethodCall("set_password", "demo")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.add(*extracted)
        if create:
            self.save()


class ProductLineFactory(DjangoModelFactory):
    class Meta:
        model = ProductLine
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"产品线{n}")
    code = factory.Sequence(lambda n: f"PL{n}")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"项目组{n}")
    kind = Team.Kind.PROJECT

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


def make_role(code, grants, name=None):
    """A role from {"customers.customer": {"view": "own", "change": "own"}, …}."""
    role, _created = Role.objects.get_or_create(code=code, defaults={"name": name or code})
    RolePermission.objects.filter(role=role).delete()
    RolePermission.objects.bulk_create(
        RolePermission(role=role, object_type=key, action=action, scope=scope)
        for key, actions in grants.items() for action, scope in actions.items()
    )
    return role


def full_grants(keys, scope, actions=None):
    """{key: {action: scope}}; without `actions`, every action each type offers ("approve" too)."""
    from core.registry import get_object_type

    def offered(key):
        object_type = get_object_type(key)
        return sorted(set(ACTIONS) | set(object_type.actions if object_type else ()))

    return {key: dict.fromkeys(actions or offered(key), scope) for key in keys}
