"""core.lookups.values_in: the same rows as `field__in`, with the values as one parameter on
PostgreSQL (an array) and a plain IN elsewhere."""

import pytest
from django.contrib.auth import get_user_model

from core.lookups import values_in

pytestmark = pytest.mark.django_db


def test_values_in_finds_what_in_finds():
    User = get_user_model()
    names = ["值甲", "值乙", "it's \"quoted\"", "a,b{c}", "back\\slash", "NULL", ""]
    for name in names[:-1]:
        User.objects.create(username=name)
    wanted = [*names, "不存在"]
    found = set(User.objects.filter(values_in("username", wanted)).values_list("username", flat=True))
    assert found == set(names[:-1]) == set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    ids = list(User.objects.filter(username__in=names[:2]).values_list("pk", flat=True))
    assert set(User.objects.filter(values_in("pk", ids)).values_list("username", flat=True)) == {"值甲", "值乙"}
    with pytest.raises(ValueError):
        values_in("pk", [])
