"""The service-path API: thin views over the journeys services and selectors, one module per topic.

Everyone in the company may read the maps; writes need can_manage_cx_model.
Positions in the API are 0-based.
"""
