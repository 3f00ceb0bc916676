"""Which fiscal year the strategy pages show (strategy/views/years.py): `?year=`, else the
year a higher layer registers (web: the running quarter's), else the fiscal year of today."""

import datetime as dt

import pytest
from django.test import RequestFactory

from hoshin.core import clock
from hoshin.org.models import Organization
from hoshin.strategy.views import years

pytestmark = pytest.mark.django_db


@pytest.fixture
def unregistered(monkeypatch):
    monkeypatch.setattr(years, "_current_year", None)


def org(fiscal_year_start: int = 1) -> Organization:
    return Organization(pk=1, name="Acme", fiscal_year_start=fiscal_year_start)


def test_without_a_provider_the_fiscal_year_of_today(unregistered):
    with clock.at(dt.date(2027, 2, 10)):
        assert years.current_year(org()) == 2027
        assert years.current_year(org(fiscal_year_start=4)) == 2026
    with clock.at(dt.date(2027, 4, 1)):
        assert years.current_year(org(fiscal_year_start=4)) == 2027


def test_a_registered_provider_decides_and_none_falls_back_to_today(unregistered):
    years.register_current_year(lambda o: 2031)
    assert years.current_year(org()) == 2031
    years.register_current_year(lambda o: None)
    with clock.at(dt.date(2027, 2, 10)):
        assert years.current_year(org()) == 2027


@pytest.mark.parametrize("query, expected", [("?year=2024", 2024), ("?year=abc", 2030),
                                             ("?year=12", 2030), ("", 2030)])
def test_selected_year(unregistered, query, expected):
    years.register_current_year(lambda o: 2030)
    request = RequestFactory().get(f"/strategy/{query}")
    assert years.selected_year(request, org()) == expected
