"""The evidence section of the engagement page:
`{% engagement_evidence engagement as section %}`."""

from django import template

from audits.views.evidence import engagement_evidence as section_data

register = template.Library()


@register.simple_tag(takes_context=True)
def engagement_evidence(context, engagement):
    return section_data(context["request"].user, engagement)


@register.filter
def file_size(size):
    """Bytes as a short human figure (1.2 MB)."""
    size = float(size or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""
