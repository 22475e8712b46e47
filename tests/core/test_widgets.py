"""The widgets written in Python give the markup of Django's widget templates, byte for byte."""

import datetime as dt

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from apps.core.widgets import PythonInput, PythonSelect

CHOICES = [
    ("", gettext_lazy("All")),
    (1, "Katsastus & huolto"),
    (2, 'Asiakas "VIP" <palvelu>'),
    (3, mark_safe("<b>safe</b>")),
    (4, 7),
]
GROUPED = [("", "All"), ("Uusimaa", [(5, "Helsinki"), (6, "Espoo")]), (7, "Turku")]


class DateInput(PythonInput, forms.DateInput):
    input_type = "date"


class DjangoDateInput(forms.DateInput):
    input_type = "date"


@pytest.mark.parametrize(
    ("choices", "value", "attrs"),
    [
        (CHOICES, None, {"id": "id_path"}),
        (CHOICES, "2", {"id": "id_path"}),
        (CHOICES, 3, {"id": "id_path", "required": True, "disabled": False, "aria-invalid": "true"}),
        (CHOICES, "", None),
        (GROUPED, "6", {"id": "id_region", "data-x": 'a"b'}),
        ([], None, {"id": "id_empty"}),
    ],
)
def test_select_is_written_as_django_writes_it(choices: list, value: object, attrs: dict | None) -> None:
    ours = PythonSelect(choices=choices, attrs={"class": "narrow"})
    theirs = forms.Select(choices=choices, attrs={"class": "narrow"})
    assert ours.render("path", value, attrs=attrs) == theirs.render("path", value, attrs=attrs)


@pytest.mark.parametrize(
    "value",
    [None, dt.date(2026, 12, 6), "2026-13-40", '"><script>', ""],
    ids=["none", "date", "bad", "markup", "empty"],
)
def test_date_input_is_written_as_django_writes_it(value: object) -> None:
    attrs = {"id": "id_start", "aria-describedby": "id_start-error", "required": True}
    ours = DateInput(format="%Y-%m-%d")
    theirs = DjangoDateInput(format="%Y-%m-%d")
    assert ours.render("start", value, attrs=attrs) == theirs.render("start", value, attrs=attrs)


def test_a_bound_field_renders_the_same() -> None:
    class Ours(forms.Form):
        period = forms.ChoiceField(choices=CHOICES[1:], widget=PythonSelect)
        start = forms.DateField(required=False, widget=DateInput(format="%Y-%m-%d"))

    class Theirs(forms.Form):
        period = forms.ChoiceField(choices=CHOICES[1:])
        start = forms.DateField(required=False, widget=DjangoDateInput(format="%Y-%m-%d"))

    data = {"period": "9", "start": "2026-12-06"}  # an invalid choice: the field has an error
    ours, theirs = Ours(data), Theirs(data)
    assert not ours.is_valid()
    assert not theirs.is_valid()
    assert str(ours["period"]) == str(theirs["period"])
    assert str(ours["start"]) == str(theirs["start"])
