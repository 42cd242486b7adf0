"""`/search/?q=`: the header's search box, results grouped by kind (audits.search)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from audits.search import clean_words, site_search

# Where "all matching ..." leads: the kinds that have a list page with `?search=`.
LIST_PAGES = {
    "findings": "finding-list",
    "recommendations": "recommendation-list",
    "grievances": "grievance-list",
}


@login_required
def search_page(request):
    words = clean_words(request.GET.get("q", ""))
    groups = site_search(request.user, words)
    for group in groups:
        name = LIST_PAGES.get(group["key"])
        group["list_url"] = reverse(name) if name else None
    return render(request, "audits/search.html", {"words": words, "groups": groups})
