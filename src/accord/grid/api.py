"""API of the grid app (registered in accord.config.api.ROUTER_MODULES)."""

from ninja import Router

router = Router(tags=["grid"])
