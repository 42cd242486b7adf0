"""Open311 GeoReport v2, mounted at /open311/v2/ by backend/urls.py."""

from django.urls import path, re_path

from grievances.views import open311

FORMAT = r"(?:\.(?P<fmt>json|xml))?$"

urlpatterns = [
    path("", open311.root, name="open311-root"),
    re_path(r"^discovery" + FORMAT, open311.discovery, name="open311-discovery"),
    re_path(r"^services" + FORMAT, open311.services, name="open311-services"),
    re_path(
        r"^services/(?P<code>[-\w]+?)" + FORMAT,
        open311.service_definition,
        name="open311-service",
    ),
    re_path(r"^requests" + FORMAT, open311.requests_collection, name="open311-requests"),
    re_path(
        r"^requests/(?P<request_id>[-\w]+?)" + FORMAT,
        open311.request_detail,
        name="open311-request",
    ),
    re_path(r"^tokens/(?P<token>[-\w]+?)" + FORMAT, open311.token_detail, name="open311-token"),
]
