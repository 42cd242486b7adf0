from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("open311/v2/", include("grievances.open311_urls")),
    path("", include("grievances.urls")),
    path("", include("security.urls")),
    path("", include("audits.urls")),
    path("", include("programme.urls")),
    path("", include("reports.urls")),
]
