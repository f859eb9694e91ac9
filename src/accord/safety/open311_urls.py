"""Open311 GeoReport v2 routes (included from accord.config.urls at /open311/v2/)."""

from django.urls import path, register_converter

from accord.safety import open311


class FormatConverter:
    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "o311fmt")

app_name = "open311"
urlpatterns = [
    path("discovery.<o311fmt:fmt>", open311.discovery, name="discovery"),
    path("services.<o311fmt:fmt>", open311.services, name="services"),
    path("services/<slug:code>.<o311fmt:fmt>", open311.service_definition, name="service"),
    path("requests.<o311fmt:fmt>", open311.requests_view, name="requests"),
    path("requests/<str:request_id>.<o311fmt:fmt>", open311.request_detail, name="request"),
    path("tokens/<str:token>.<o311fmt:fmt>", open311.token_view, name="token"),
]
