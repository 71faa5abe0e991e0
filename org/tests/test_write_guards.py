"""The privilege rule holds in the generic services themselves (core.services write guards), so a
direct service call, a bulk edit or a restore from the recycle bin cannot go around it."""

import pytest
from django.core.exceptions import PermissionDenied

from core.services import object_delete, object_restore, object_save
from org.models import Employee, Role
from org.tests.test_privileges import people  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_a_direct_save_cannot_change_the_superuser(people):  # noqa: F811
    target = Employee.objects.get(pk=people.root.pk)
    target.is_active = False
    with pytest.raises(PermissionDenied):
        object_save(instance=target, actor=people.hr)
    assert Employee.objects.get(pk=people.root.pk).is_active


def test_a_direct_save_cannot_change_a_more_powerful_user(people):  # noqa: F811
    target = Employee.objects.get(pk=people.admin.pk)
    target.title = "被改的职务"
    with pytest.raises(PermissionDenied):
        object_save(instance=target, actor=people.hr)
    assert Employee.objects.get(pk=people.admin.pk).title != "被改的职务"
    target.title = "管理员自己可以"
    object_save(instance=target, actor=people.admin)  # equal power may
    assert Employee.objects.get(pk=people.admin.pk).title == "管理员自己可以"


def test_a_role_granting_more_cannot_be_deleted_or_restored_by_someone_holding_less(people):  # noqa: F811
    role = Role.objects.get(pk=people.administrator.pk)
    with pytest.raises(PermissionDenied):
        object_delete(instance=role, actor=people.hr)
    assert Role.objects.filter(pk=role.pk).exists()
    object_delete(instance=role, actor=people.admin)
    deleted = Role.all_objects.get(pk=role.pk)
    with pytest.raises(PermissionDenied):
        object_restore(instance=deleted, actor=people.hr)
    assert Role.all_objects.get(pk=role.pk).deleted_at is not None
    # The administrator's own power came from that role: in the bin it grants nothing, so only a
    # superuser brings it back.
    with pytest.raises(PermissionDenied):
        object_restore(instance=deleted, actor=people.admin)
    object_restore(instance=deleted, actor=people.root)
    assert Role.objects.filter(pk=role.pk).exists()
