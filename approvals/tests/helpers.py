from org.tests.factories import TeamFactory

from ..services import approval_request
from .conftest import KIND


def ask(world, requester=None, name="新名字", **options):
    """seller1 (unit 北京销售一部, no manager; its branch is managed by branch_manager) asks to rename a team."""
    requester = requester or world.seller1
    team = options.pop("team", None) or TeamFactory(name="旧名字")
    payload = {"name": name, **options.pop("payload", {})}
    return approval_request(kind=KIND, target=team, actor=requester, title=f"改名为 {name}", summary="客户要求",
                            payload=payload, **options)
