from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from audits.models import Engagement


@login_required
def home(request):
    engagements = Engagement.objects.visible_to(request.user).select_related("auditee")
    return render(request, "audits/home.html", {"engagements": engagements})
