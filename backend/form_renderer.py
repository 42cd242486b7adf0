"""Every form field renders through one template (audits/_field.html), so a required
field is marked the same way in every form, whether a page includes
audits/_form_fields.html or places fields one by one with `field.as_field_group`."""

from django.forms.renderers import DjangoTemplates


class SiteFormRenderer(DjangoTemplates):
    field_template_name = "audits/_field.html"
