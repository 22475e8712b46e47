"""The benchmark views (bench/urls.py: bench/trivial/ and the hand-written baselines) are served
only under the bench settings: the product's URL confs have no bench/ route."""

import pytest
from django.urls import Resolver404, resolve

from tests.core.url_walk import URLCONFS, routes


@pytest.mark.parametrize("urlconf", URLCONFS)
def test_the_product_url_confs_have_no_bench_route(urlconf):
    assert not [route.key for route in routes(urlconf) if route.route.startswith("bench/")]
    with pytest.raises(Resolver404):
        resolve("/bench/trivial/", urlconf=urlconf)


def test_the_bench_url_conf_adds_its_views_to_the_product_ones():
    assert resolve("/bench/trivial/", urlconf="bench.urls").url_name == "bench-trivial"
    assert resolve("/dashboard/", urlconf="bench.urls").url_name == resolve("/dashboard/").url_name


@pytest.mark.django_db
def test_a_company_domain_answers_404_for_bench_urls(client_for, manager):
    assert client_for(manager).get("/bench/trivial/").status_code == 404
    assert client_for().get("/bench/trivial/").status_code in (302, 404)
