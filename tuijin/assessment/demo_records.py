"""Demo: Huai'an's 2023 assessment fed by the system's own records — tickets, projects, filings, key tasks, the
monthly dispatch ranks, bonus claims (one verified, one rejected, one waiting) and incidents — built with the scheme
form's rows (assessment/builder.py), so the demo shows a scheme a clerk made without writing YAML."""
from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from tuijin.assessment import builder, selectors, services
from tuijin.core.scope import SYSTEM

FORM = {
    "name": "2023年度综合考核(系统记录计分)", "aggregation": "sum", "missing": "zero",
    "cat_0": "比项目", "name_0": "项目开工率", "source_0": "rec_project_start_rate", "points_0": "20",
    "rule_0": "completion", "params_0": "目标值=0.9;每差1个百分点扣分=0.5",
    "cat_1": "比项目", "name_1": "项目平均滞后天数", "source_1": "rec_project_days_late", "direction_1": "-1",
    "rule_1": "efficacy", "params_1": "满分=10",
    "cat_2": "比服务", "name_2": "企业诉求办结率", "source_2": "rec_ticket_resolution_rate", "rule_2": "steps",
    "params_2": "阶梯=0.98:30,0.95:26,0.9:20,0.8:12,0:6",
    "cat_3": "比服务", "name_3": "督办事项按期办结率", "source_3": "rec_ticket_ontime_rate", "points_3": "10",
    "rule_3": "ratio_to_best", "params_3": "满分=10",
    "cat_4": "比作风", "name_4": "月度报数平均逾期天数", "source_4": "rec_filing_days_late", "direction_4": "-1",
    "rule_4": "efficacy", "params_4": "满分=10",
    "cat_5": "比作风", "name_5": "重点任务节点完成率", "source_5": "rec_key_task_completion", "points_5": "10",
    "rule_5": "ratio_to_best", "params_5": "满分=10",
    "cat_6": "比进位", "name_6": "月度调度进位点数", "source_6": "rec_dispatch_rank_points", "rule_6": "value",
    "tier_name_0": "第一等次", "tier_share_0": "30", "tier_name_1": "第二等次", "tier_share_1": "50",
    "tier_name_2": "第三等次",
    "adj_kind_0": "bonus", "adj_name_0": "向上争取加分", "adj_source_0": "rec_claims", "adj_cap_0": "5",
    "adj_kind_1": "deduction", "adj_name_1": "中央环保督察问题扣分", "adj_source_1": "rec_incidents_env_central",
    "adj_per_1": "0.3", "adj_cap_1": "3",
    "adj_kind_2": "deduction", "adj_name_2": "较大安全生产事故扣分", "adj_source_2": "rec_incidents_safety_larger",
    "adj_per_2": "1",
    "adj_kind_3": "veto", "adj_name_3": "重大安全生产事故(取消评先评优)", "adj_source_3": "rec_incidents_safety_major",
}
PDF = b"%PDF-1.4\n% demo evidence\n"


def build(zones: dict) -> None:
    from tuijin.org.models import Unit

    zone = zones["huaian"]
    units = {u.name: u for u in Unit.objects.filter(zone=zone)}
    claims = [("钵池街道", "funds", "争取到省级专项资金3000万元", "3"), ("高新技术产业园", "pilots", "获批省级智能制造试点", "4"),
              ("枚乘街道", "honours", "获评市级文明单位", "2"), ("综合保税区", "gold", "外贸进出口增速全省第一", "3")]
    made = [services.claim_submit(member=SYSTEM, zone=zone, unit=units[u], year=2023, kind=k, title=t, points=p,
                                  evidence=ContentFile(PDF, name="证明材料.pdf")) for u, k, t, p in claims]
    services.claim_decide(member=SYSTEM, claim=made[0], verify=True)
    services.claim_decide(member=SYSTEM, claim=made[1], verify=True, granted="3")
    services.claim_decide(member=SYSTEM, claim=made[2], verify=False, reason="荣誉为上年度取得,不计入本年度")
    for unit, kind, day, title in (("徐杨街道", "env_central", dt.date(2023, 5, 12), "中央环保督察交办问题:渣土堆放扬尘"),
                                   ("徐杨街道", "env_central", dt.date(2023, 6, 3), "中央环保督察交办问题:河道排口"),
                                   ("南马厂街道", "safety_general", dt.date(2023, 4, 20), "一般生产安全事故(一人受伤)")):
        services.incident_record(member=SYSTEM, zone=zone, unit=units[unit], kind=kind, occurred_on=day, title=title)
    scheme_dict = builder.to_dict(FORM, columns=selectors.scheme_sources(zone))
    scheme_dict["code"] = "huaian_records_2023"
    scheme = services.scheme_save(member=SYSTEM, zone=zone, yaml_text=builder.to_yaml(scheme_dict))
    services.run_create(member=SYSTEM, scheme=scheme, title="2023年度综合考核(系统记录计分,截至7月)", year=2023,
                        month=7)
