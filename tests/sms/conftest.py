from tests.sms.gatewayapi import gatewayapi  # noqa: F401 - a fixture
