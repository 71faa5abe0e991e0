"""Unified social credit code (统一社会信用代码, GB 32100-2015): what a user typing one sees.

The check character is recomputed here with an independent implementation of the standard
(not the one in customers.validators), so a wrong weight or charset in the code is caught.
"""

import random

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from customers.models import Customer, Level
from customers.tests.factories import bad_check_digit, make_credit_code
from customers.validators import validate_credit_code

# GB 32100-2015, 5.3: code characters and their values; I, O, S, V, Z are not used.
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _reference_check_char(first17):
    # Weight of position i (1-based) is 3^(i-1) mod 31, as the standard defines them.
    total = sum(_ALPHABET.index(char) * pow(3, i, 31) for i, char in enumerate(first17))
    return _ALPHABET[(31 - total % 31) % 31]


# Codes in the real published format (registration authority 9 = market regulator, type 1 =
# enterprise, 6-digit area code, 9-character organisation code), check digits verified with the
# reference implementation above.
REAL_FORMAT_CODES = [
    "91350100M000100Y43",  # the standard's own example (Fuzhou)
    "914403001922038216",  # Shenzhen
    "91330100716105852F",  # Hangzhou
    "91110108551385082Q",  # Beijing Haidian
    "91440300279544901A",  # Shenzhen
    "91110000600037341L",  # Beijing
]


def test_reference_implementation_agrees_with_the_published_example():
    assert _reference_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize("code", REAL_FORMAT_CODES)
def test_real_format_codes_are_valid(code):
    assert _reference_check_char(code[:17]) == code[17]
    validate_credit_code(code)  # no error


def test_random_codes_checked_against_the_reference_algorithm():
    rng = random.Random(32100)
    for _ in range(500):
        body = "".join(rng.choice(_ALPHABET) for _ in range(17))
        good = body + _reference_check_char(body)
        validate_credit_code(good)
        for wrong in rng.sample([c for c in _ALPHABET if c != good[17]], 3):
            with pytest.raises(ValidationError) as caught:
                validate_credit_code(body + wrong)
            assert caught.value.code == "checksum"


def test_factory_codes_are_valid_and_bad_check_digit_is_not():
    rng = random.Random(7)
    for _ in range(50):
        code = make_credit_code(rng)
        assert _reference_check_char(code[:17]) == code[17]
        validate_credit_code(code)
        with pytest.raises(ValidationError):
            validate_credit_code(bad_check_digit(code))


@pytest.mark.parametrize("code", [code[:17] + next(c for c in _ALPHABET if c != code[17])
                                  for code in REAL_FORMAT_CODES])
def test_wrong_check_digit_is_refused_with_a_clear_message(code):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    assert caught.value.code == "checksum"
    assert "check" in str(caught.value.messages[0]).lower() or "校验" in caught.value.messages[0]


def test_transposed_characters_are_caught():
    # The commonest typing error: two neighbouring characters swapped.
    code = "91350100M000100Y43"
    swapped = code[:2] + code[3] + code[2] + code[4:]
    assert swapped != code
    with pytest.raises(ValidationError):
        validate_credit_code(swapped)


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", "9135", "913501000000000000000"])
def test_wrong_length_is_refused_and_says_how_long_it_was(code):
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    assert caught.value.code == "length"
    assert str(len(code)) in caught.value.messages[0]


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters_are_refused_and_named(letter):
    # A letter that looks like a digit (I/1, O/0, S/5, V/U, Z/2) typed into the organisation code.
    body = "91350100M000100Y4"
    body = body[:9] + letter + body[10:]
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(body + "3")
    assert caught.value.code == "charset"
    assert letter in caught.value.messages[0]


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letter_as_check_character_is_refused(letter):
    with pytest.raises(ValidationError):
        validate_credit_code("91350100M000100Y4" + letter)


def test_lowercase_and_surrounding_spaces_are_accepted_by_the_validator():
    validate_credit_code("91350100m000100y43")
    validate_credit_code("  91350100M000100Y43 ")


# --- normalisation on save, through the page form and the API ---------------------------------


@pytest.fixture
def seller(world):
    return world.seller1


@pytest.mark.django_db
def test_page_form_saves_a_lowercase_code_in_upper_case(client, seller):
    client.force_login(seller)
    response = client.post("/customers/add/", {
        "name": "福州测试有限公司", "kind": "company", "credit_code": "91350100m000100y43",
        "level": Level.POTENTIAL,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    customer = Customer.objects.get(name="福州测试有限公司")
    assert customer.credit_code == "91350100M000100Y43"
    # …and the detail page shows it the way it is printed on the business licence.
    page = client.get(response["Location"])
    assert "91350100M000100Y43" in page.content.decode()


@pytest.mark.django_db
def test_page_form_refuses_a_lowercase_code_with_a_wrong_check_digit(client, seller):
    client.force_login(seller)
    response = client.post("/customers/add/", {
        "name": "福州测试有限公司", "kind": "company", "credit_code": "91350100m000100y44",
        "level": Level.POTENTIAL,
    })
    assert response.status_code == 400
    assert 'data-field-error="credit_code"' in response.content.decode()
    assert not Customer.all_objects.exists()


@pytest.mark.django_db
def test_api_saves_a_lowercase_code_in_upper_case(seller):
    api = APIClient()
    api.force_authenticate(seller)
    response = api.post("/api/customers/customers/", {"name": "深圳测试有限公司", "credit_code": "914403001922038216"
                                                      .lower()}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["credit_code"] == "914403001922038216"
    assert Customer.objects.get(pk=response.json()["id"]).credit_code == "914403001922038216"

    lower_with_letters = "91330100716105852f"
    response = api.patch(f"/api/customers/customers/{response.json()['id']}/",
                         {"credit_code": lower_with_letters}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["credit_code"] == "91330100716105852F"


@pytest.mark.django_db
def test_api_refuses_lowercase_code_that_differs_from_a_live_one_only_in_case(seller):
    api = APIClient()
    api.force_authenticate(seller)
    assert api.post("/api/customers/customers/", {"name": "甲公司", "credit_code": "91110108551385082Q"},
                    format="json").status_code == 201
    response = api.post("/api/customers/customers/", {"name": "乙公司", "credit_code": "91110108551385082q"},
                        format="json")
    assert response.status_code == 409  # the same code: a duplicate (customers/duplicates.py)
    response = api.post("/api/customers/customers/", {"name": "乙公司", "credit_code": "91110108551385082q",
                                                      "confirm_duplicate": True}, format="json")
    assert response.status_code == 400
    assert "credit_code" in response.json()
    assert Customer.objects.count() == 1
