"""Grievance web pages: public filing, tracking and statistics; triage for those who
may see grievances."""

from django.urls import path

from grievances.views import public, triage

urlpatterns = [
    path("grievances/new/", public.grievance_new, name="grievance-new"),
    path("grievances/track/", public.grievance_track, name="grievance-track"),
    path("grievances/track/<str:code>/", public.grievance_track, name="grievance-track-code"),
    path(
        "grievances/statistics/",
        public.grievance_statistics_page,
        name="grievance-statistics",
    ),
    path("grievances/", triage.grievance_list, name="grievance-list"),
    path("grievances/<int:pk>/", triage.grievance_detail, name="grievance-detail"),
    path(
        "grievances/<int:pk>/transition/",
        triage.grievance_transition,
        name="grievance-transition",
    ),
    path("grievances/<int:pk>/updates/", triage.grievance_update_add, name="grievance-update"),
    path("grievances/<int:pk>/notes/", triage.grievance_note_add, name="grievance-note"),
    path("grievances/<int:pk>/assign/", triage.grievance_assign, name="grievance-assign"),
    path("grievances/<int:pk>/reveal/", triage.grievance_reveal, name="grievance-reveal"),
    path(
        "grievances/<int:pk>/engagement/",
        triage.grievance_start_engagement,
        name="grievance-start-engagement",
    ),
    path(
        "grievances/<int:pk>/attachments/<int:attachment_pk>/",
        triage.grievance_attachment,
        name="grievance-attachment",
    ),
]
