from django.http import JsonResponse
from django.urls import include, path

from accord.config.api import api


def healthz(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("resolution/", include("accord.resolution.urls")),
    path("early-warning/", include("accord.earlywarning.urls")),
    path("participation/", include("accord.participation.urls")),
    path("safety/", include("accord.safety.urls")),
    path("open311/v2/", include("accord.safety.open311_urls")),
    path("wellbeing/", include("accord.wellbeing.urls")),
    path("grid/", include("accord.grid.urls")),
    path("", include("accord.accounts.urls")),
    path("", include("accord.web.urls")),
]
