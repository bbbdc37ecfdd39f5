from django.urls import path

from minxin.ops.views import livez, metrics_view, readyz

urlpatterns = [
    path("livez", livez, name="livez"),
    path("readyz", readyz, name="readyz"),
    path("healthz", readyz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
]
