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

# API URLs that match no route answer in the API's JSON error shape.
handler404 = "security.views.page_not_found"
handler500 = "security.views.server_error"
