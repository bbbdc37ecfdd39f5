from django.urls import path

from minxin.publicinfo import staff_guides, staff_policies, staff_views

app_name = "staff-public"
urlpatterns = [
    path("cases/", staff_views.case_list, name="cases"),
    path("cases/nominate/<int:ticket_id>/", staff_views.nominate, name="nominate"),
    path("cases/<int:case_id>/", staff_views.case_page, name="case"),
    path("cases/<int:case_id>/<slug:action>/", staff_views.act, name="case_act"),
    path("policies/", staff_policies.policy_list, name="policies"),
    path("policies/new/", staff_policies.policy_new, name="policy_new"),
    path("policies/<int:policy_id>/", staff_policies.policy_page, name="policy"),
    path("policies/<int:policy_id>/v/<int:number>/", staff_policies.version_page, name="version"),
    path("policies/questions/<int:question_id>/", staff_policies.moderate, name="moderate"),
    path("<slug:kind>/", staff_guides.item_list, name="items"),
    path("<slug:kind>/new/", staff_guides.item_edit, name="item_new"),
    path("<slug:kind>/<int:item_id>/", staff_guides.item_edit, name="item"),
]
