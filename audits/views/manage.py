"""The SAI administrator's user and organisation pages (the Django admin stays for
emergencies). Every write goes through `audits.services.accounts`, the same service the
API's /users/ and /organizations/ use: deactivating a user revokes their API tokens
(security.receivers), the role must fit the organisation's kind, an organisation sits
under one of its own kind."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audits import permissions as can
from audits.choices import OrganizationKind, Role
from audits.forms.accounts import (
    OrganizationCreateForm,
    OrganizationForm,
    UserCreateForm,
    UserForm,
)
from audits.models import Organization, User
from audits.services import accounts as services
from audits.views.submit_once import already_saved, save_once
from security.choices import EventKind
from security.services.log import security_event_record

ROWS_PER_PAGE = 50


def _logged(request, form, save, *, what: str):
    """`save`, then one line in the security log naming the fields changed (never their
    values: a password stays out of the log), as the Django admin's changes are logged."""

    def run():
        saved = save()
        changed = [name for name in form.changed_data if name != "form_token"]
        security_event_record(
            EventKind.ADMIN_CHANGE,
            request=request,
            obj=saved,
            detail=f"{what} on {request.path}: {', '.join(changed) or 'nothing'}"[:2000],
        )
        return saved

    return run


def _require_admin(request) -> None:
    if not request.user.has_role(*can.USER_WRITERS):
        raise PermissionDenied(_("Only the SAI administrator manages users and organisations."))


def _page(request, queryset):
    page = Paginator(queryset, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _form_page(request, form, save, *, what, success, target, template, context):
    """One manage form: a valid POST goes through `save` once (logged), anything else is
    the page again, with 400 when the form was refused."""
    if request.method == "POST" and form.is_valid():
        logged = _logged(request, form, save, what=what)
        response = save_once(request, form, logged, success=success, target=target)
        if response:
            return response
    status = 400 if form.errors else 200
    return render(request, template, {"form": form, **context}, status=status)


@login_required
def user_list(request):
    _require_admin(request)
    users = User.objects.visible_to(request.user).select_related("organization")
    search = (request.GET.get("q") or "").strip()
    role = request.GET.get("role") or ""
    if search:
        users = users.filter(
            Q(username__icontains=search)
            | Q(full_name__icontains=search)
            | Q(email__icontains=search)
        )
    if role in Role.values:
        users = users.filter(role=role)
    page, query = _page(request, users.order_by("username", "pk"))
    context = {"page": page, "query": query, "q": search, "role": role, "roles": Role.choices}
    return render(request, "audits/manage/user_list.html", context)


@login_required
def user_new(request):
    _require_admin(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and (earlier := already_saved(request, form)):
        return earlier
    return _form_page(
        request,
        form,
        lambda: services.user_create(by=request.user, **form.service_fields()),
        what="user created",
        success=_("%(name)s can now log in."),
        target=lambda user: reverse("manage-user", args=[user.pk]),
        template="audits/manage/user_form.html",
        context={"creating": True},
    )


@login_required
def user_edit(request, pk):
    _require_admin(request)
    person = get_object_or_404(
        User.objects.visible_to(request.user).select_related("organization"), pk=pk
    )
    form = UserForm(request.POST or None, instance=User.objects.get(pk=pk))
    return _form_page(
        request,
        form,
        lambda: services.user_update(person, by=request.user, **form.service_fields()),
        what="user changed",
        success=_("%(name)s was saved."),
        target=lambda user: reverse("manage-users"),
        template="audits/manage/user_form.html",
        context={"person": person, "creating": False},
    )


@login_required
def organization_list(request):
    _require_admin(request)
    organizations = Organization.objects.visible_to(request.user).select_related("parent")
    search = (request.GET.get("q") or "").strip()
    kind = request.GET.get("kind") or ""
    if search:
        organizations = organizations.filter(name__icontains=search)
    if kind in OrganizationKind.values:
        organizations = organizations.filter(kind=kind)
    page, query = _page(request, organizations.order_by("kind", "name", "pk"))
    context = {
        "page": page,
        "query": query,
        "q": search,
        "kind": kind,
        "kinds": OrganizationKind.choices,
    }
    return render(request, "audits/manage/organization_list.html", context)


@login_required
def organization_new(request):
    _require_admin(request)
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and (earlier := already_saved(request, form)):
        return earlier
    return _form_page(
        request,
        form,
        lambda: services.organization_create(by=request.user, **form.service_fields()),
        what="organisation created",
        success=_("%(name)s was added."),
        target=lambda organization: reverse("manage-organisations"),
        template="audits/manage/organization_form.html",
        context={"creating": True},
    )


@login_required
def organization_edit(request, pk):
    _require_admin(request)
    organization = get_object_or_404(Organization.objects.visible_to(request.user), pk=pk)
    form = OrganizationForm(request.POST or None, instance=Organization.objects.get(pk=pk))
    return _form_page(
        request,
        form,
        lambda: services.organization_update(
            organization, by=request.user, **form.service_fields()
        ),
        what="organisation changed",
        success=_("%(name)s was saved."),
        target=lambda saved: reverse("manage-organisations"),
        template="audits/manage/organization_form.html",
        context={"organization": organization, "creating": False},
    )
