"""Customer profiles: services, search, timeline."""

from datetime import UTC, datetime
from typing import Any

import pytest

from apps.core.exceptions import DomainError
from apps.customers.models import ConsentSource, Customer
from apps.customers.phones import phone_normalize, phone_search_digits
from apps.customers.selectors import customer_list, customer_search
from apps.customers.services import (
    customer_consent_give,
    customer_consent_withdraw,
    customer_create,
    customer_unsubscribe,
    customer_update,
    segment_get_or_create,
)
from apps.customers.timeline import (
    TimelineEntry,
    TimelineKind,
    _providers,
    customer_timeline,
    timeline_provider_register,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("040 123 4567", "+358401234567"),
        ("+358 40 123 4567", "+358401234567"),
        ("00358-40-1234567", "+358401234567"),
        ("(09) 123 456", "+3589123456"),
        ("+46 70 123 45 67", "+46701234567"),
        ("", ""),
        ("soita illalla", None),
        ("123", None),
    ],
)
def test_phone_normalize(raw, expected):
    assert phone_normalize(raw) == expected


def test_phone_search_digits():
    assert phone_search_digits("040 123") == "35840123"
    assert phone_search_digits("+358 40") == "35840"
    assert phone_search_digits("4567") == "4567"


pytestmark = pytest.mark.django_db


def test_create_normalises_and_records_consent():
    customer = customer_create(
        full_name="  Aino   Korhonen ",
        email=" Aino.Korhonen@Example.FI ",
        phone="040 123 4567",
        survey_consent=True,
        consent_source=ConsentSource.FRONTLINE,
    )
    assert (customer.full_name, customer.email, customer.phone_normalized) == (
        "Aino Korhonen",
        "aino.korhonen@example.fi",
        "+358401234567",
    )
    assert customer.survey_consent and customer.consent_source == "frontline" and customer.consent_given_at
    assert customer.can_be_surveyed


def test_email_or_phone_is_required():
    with pytest.raises(DomainError) as error:
        customer_create(full_name="Nimetön")
    assert "email" in error.value.fields
    assert customer_create(full_name="Puhelin", phone="0401234567").email == ""


def test_email_and_external_id_are_unique():
    customer_create(email="a@example.fi", external_id="X1")
    with pytest.raises(DomainError) as error:
        customer_create(email="A@example.fi", external_id="X1")
    assert set(error.value.fields) == {"email", "external_id"}


def test_consent_can_be_withdrawn_and_given_again():
    customer = customer_create(email="a@example.fi")
    given = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    customer = customer_consent_give(customer=customer, source=ConsentSource.WEB_FORM, at=given)
    assert (customer.consent_given_at, customer.consent_source) == (given, "web_form")
    customer = customer_consent_withdraw(customer=customer)
    assert (customer.survey_consent, customer.consent_given_at, customer.consent_source) == (False, None, "")
    customer = customer_update(customer=customer, survey_consent=True, consent_source=ConsentSource.STAFF)
    assert customer.consent_source == "staff"


def test_unsubscribe_keeps_the_first_time():
    customer = customer_create(email="a@example.fi", survey_consent=True)
    first = customer_unsubscribe(customer=customer).unsubscribed_at
    assert customer_unsubscribe(customer=customer).unsubscribed_at == first
    assert not customer.can_be_surveyed


def test_search_by_name_email_or_phone():
    aino = customer_create(full_name="Aino Mäkelä", email="aino@example.fi", phone="040 123 4567")
    eino = customer_create(full_name="Eino Virtanen", email="eino.v@yritys.fi", phone="+358 50 765 4321")
    assert customer_search(user=None, query="mäkel") == [aino]
    assert customer_search(user=None, query="MÄKELÄ") == [aino]
    assert customer_search(user=None, query="yritys.fi") == [eino]
    assert customer_search(user=None, query="040 123") == [aino]
    assert customer_search(user=None, query="+358401234567") == [aino]
    assert customer_search(user=None, query="7654321") == [eino]
    assert customer_search(user=None, query="nobody") == []


def test_filters_combine():
    consumer = segment_get_or_create(name="kuluttaja")
    a = customer_create(email="a@example.fi", segment=consumer, survey_consent=True)
    customer_create(email="b@example.fi", segment=consumer)
    customer_create(email="c@example.fi", survey_consent=True)
    assert list(customer_list(user=None, segment_id=consumer.pk, consent=True)) == [a]
    assert customer_list(user=None, unsubscribed=False).count() == 3


def test_timeline_is_empty_until_a_domain_provides_entries(manager):
    customer = customer_create(email="a@example.fi")
    assert customer_timeline(customer=customer, user=manager) == []

    def encounters(of: Customer, viewer: Any):
        yield TimelineEntry(kind=TimelineKind.ENCOUNTER, at=datetime(2026, 1, 1, tzinfo=UTC), title="Katsastus")
        yield TimelineEntry(kind=TimelineKind.ANSWER, at=datetime(2026, 1, 2, tzinfo=UTC), title="NPS 9")

    timeline_provider_register(encounters)
    try:
        assert [entry.title for entry in customer_timeline(customer=customer, user=manager)] == ["NPS 9", "Katsastus"]
    finally:
        _providers.remove(encounters)
