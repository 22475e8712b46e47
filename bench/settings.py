"""The product's production settings, with the benchmark URL conf for the companies' domains.

bench/run.py starts gunicorn with DJANGO_SETTINGS_MODULE=bench.settings, so that the baseline
views of bench/baselines/ and bench/trivial/ answer next to the product's own URLs on the same
server, in the same processes. The operators' domain keeps the product's public URL conf.
"""

from cxplatform.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
