"""The reminder digests the daily run mailed to the user, to read again on the web."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from audits.models import ReminderDigest

DIGESTS_PER_PAGE = 20


@login_required
def reminder_list(request):
    digests = ReminderDigest.objects.visible_to(request.user).order_by("-sent_on", "-pk")
    page = Paginator(digests, DIGESTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "audits/reminders.html", {"page": page, "query": ""})
