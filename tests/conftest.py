"""Shared test settings: hypothesis profile sized for a 2-core machine."""
from hypothesis import HealthCheck, settings

settings.register_profile("course", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow], derandomize=True)
settings.load_profile("course")
