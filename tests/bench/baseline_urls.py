"""The product's company URLs with the hand-written baselines beside them, as the bench settings serve them."""

from bench.baselines.api import urlpatterns as api_baselines
from cxplatform.urls_tenants import urlpatterns as product

urlpatterns = api_baselines + product
