from tests.alerts.receiver import receiver  # noqa: F401 - a fixture
