"""Retention: how long each kind of personal data is kept, and the nightly run that anonymises the rest."""
