from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def chart_assets():
    """plotly.js (from the installed package, see core/staticfinders.py) and our drawing script."""
    return format_html('<script src="{}"></script><script src="{}"></script>',
                       static("plotly/plotly.min.js"), static("kedao/charts.js"))
