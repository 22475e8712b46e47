"""The floors the benchmarks compare the product with: the same essential work done by hand
(SQL written out with psycopg, json.dumps, a plain Django view).

Each module here exposes `urlpatterns` under bench/...; bench/urls.py serves all of them, and
only the bench settings (bench/settings.py) use that URL conf, never the product's.
"""
