from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "sales"
    verbose_name = _("Sales")

    def ready(self):
        from core.registry import (
            register_activity_target,
            register_history_child,
            register_menu_item,
            register_object_type,
        )

        from . import (  # noqa: F401  (gates registers the built-in requirements)
            access,
            gates,
            leads,  # noqa: F401  (gates registers the built-in requirements)
            panels,
            stage_views,
        )
        from . import filtersets as f
        from .models import (
            Competitor,
            Lead,
            LeadAssignmentRule,
            LeadSource,
            Opportunity,
            OpportunityCompetitor,
            OpportunityLine,
            OpportunityTeamMember,
            Pipeline,
            PriceList,
            PriceListItem,
            Product,
            Stage,
            WinLossReason,
        )

        register_object_type(Opportunity, filterset=f.OpportunityFilterSet, searchable=True,
                             actions=("view", "add", "change", "delete", "export", "approve"))
        register_object_type(OpportunityLine, filterset=f.OpportunityLineFilterSet)
        register_object_type(OpportunityCompetitor, filterset=f.OpportunityCompetitorFilterSet)
        register_object_type(OpportunityTeamMember, filterset=f.OpportunityTeamMemberFilterSet)
        register_object_type(Lead, filterset=f.LeadFilterSet, searchable=True)
        # Calls and visits to a lead are logged on it (and land on its customer once converted).
        register_activity_target(Lead, customer_field="converted_customer")
        register_object_type(Product, filterset=f.ProductFilterSet, searchable=True)
        register_object_type(PriceList, filterset=f.PriceListFilterSet)
        register_object_type(PriceListItem, filterset=f.PriceListItemFilterSet)
        register_object_type(LeadSource, filterset=f.LeadSourceFilterSet)
        register_object_type(LeadAssignmentRule, filterset=f.LeadAssignmentRuleFilterSet)
        register_object_type(Pipeline, filterset=f.PipelineFilterSet)
        register_object_type(Stage, filterset=f.StageFilterSet)
        register_object_type(WinLossReason, filterset=f.WinLossReasonFilterSet)
        register_object_type(Competitor, filterset=f.CompetitorFilterSet)

        for child in (OpportunityLine, OpportunityCompetitor, OpportunityTeamMember):
            register_history_child(Opportunity, child, "opportunity")

        group = _("Sales")
        register_menu_item(group, _("Opportunities"), "sales:opportunity_list", Opportunity, order=10)
        register_menu_item(group, _("Leads"), "sales:lead_list", Lead, order=20)
        register_menu_item(group, _("Products"), "sales:product_list", Product, order=60)
        register_menu_item(group, _("Price lists"), "sales:pricelist_list", PriceList, order=61)
        register_menu_item(group, _("Competitors"), "sales:competitor_list", Competitor, order=62)
        register_menu_item(group, _("Pipelines"), "sales:pipeline_list", Pipeline, order=70)
        register_menu_item(group, _("Stages"), "sales:stage_list", Stage, order=71)
        register_menu_item(group, _("Lead sources"), "sales:leadsource_list", LeadSource, order=72)
        register_menu_item(group, _("Lead assignment rules"), "sales:leadassignmentrule_list", LeadAssignmentRule,
                           order=73)
        register_menu_item(group, _("Win/loss reasons"), "sales:winlossreason_list", WinLossReason, order=74)
        access.register()
        panels.register()
        stage_views.register()  # issue 9 points 3, 4, 8: move stage, reopen, kanban, big-deal approvals
        from . import collisions  # registration and collisions (撞单)

        collisions.register()
        leads.register()  # leads: assignment, conversion, history, report, import (h5)
        from .quotes.register import register as register_quotes

        register_quotes()
        from . import reports

        reports.register()  # funnel, win/loss, competitors, stalled deals (h7)
        from core.registry import register_demo_builder

        from . import demo, workspace  # the deal workspace and the demo data (issue 9, points 9 and 12)

        workspace.register()
        register_demo_builder("sales", demo.build, order=40)  # after customers and their account teams
        from . import collision_demo

        register_demo_builder("sales.collisions", collision_demo.build, order=45)  # reviews waiting for managers
