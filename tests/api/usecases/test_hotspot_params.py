"""The hotspot use case's parameters: the width cap follows the documented rule."""

from __future__ import annotations

from api.usecases.hotspots import HotspotParams
from geo.settings import Settings


def test_width_cap_is_given_else_the_setting_unless_both_parameters_are(
    settings: Settings,
) -> None:
    assert HotspotParams().width_cap(settings) == settings.max_hotspot_m
    assert HotspotParams(eps_m=100.0).width_cap(settings) == settings.max_hotspot_m
    assert HotspotParams(min_samples=7).width_cap(settings) == settings.max_hotspot_m
    assert HotspotParams(eps_m=100.0, min_samples=7).width_cap(settings) is None  # as before
    assert HotspotParams(eps_m=100.0, min_samples=7, max_width_m=800).width_cap(settings) == 800
    assert HotspotParams(max_width_m=600).width_cap(settings) == 600
