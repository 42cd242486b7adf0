"""Programme pages (issue 13)."""

from django.urls import path

from audits.views import versions
from programme import views
from programme.models import Procedure

urlpatterns = [
    path("tasks/", views.my_tasks, name="my-tasks"),
    path(
        "engagements/<int:engagement_pk>/procedures/new/",
        views.procedure_new,
        name="procedure-new",
    ),
    path(
        "engagements/<int:engagement_pk>/programme/apply/",
        views.template_apply,
        name="programme-template-apply",
    ),
    path("procedures/<int:pk>/", views.procedure_detail, name="procedure-detail"),
    path("procedures/<int:pk>/work/", views.procedure_work, name="procedure-work"),
    path(
        "procedures/<int:pk>/transition/", views.procedure_transition, name="procedure-transition"
    ),
    path("procedures/<int:pk>/notes/", views.review_note_add, name="review-note-add"),
    path(
        "procedures/<int:pk>/history/",
        versions.object_history,
        {"model": Procedure},
        name="procedure-history",
    ),
    path("review-notes/<int:pk>/answer/", views.review_note_answer, name="review-note-answer"),
    path("findings/<int:finding_pk>/procedures/", views.finding_cite, name="finding-cite"),
]
