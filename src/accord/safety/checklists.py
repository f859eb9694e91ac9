"""The seeded inspection checklists (data: sector, items with English and Chinese text;
seeded by migration 0003 and editable in the table)."""

# code, sector, English name, Chinese name, [(item code, English, Chinese)]
CHECKLISTS = [
    ("fire-basic", "fire", "Fire safety: basic check", "消防安全基本检查", [
        ("exits", "Escape routes and exits are clear and not locked", "疏散通道、安全出口畅通，未锁闭"),
        ("extinguishers", "Extinguishers present, charged and within date", "灭火器配置齐全、压力正常、在有效期内"),
        ("signs", "Emergency lighting and exit signs work", "应急照明和疏散指示标志完好有效"),
        ("wiring", "No improvised wiring or overloaded sockets", "无私拉乱接电线、插座超负荷"),
        ("storage", "No flammables stored in corridors or stairwells", "走道、楼梯间无堆放易燃可燃物"),
    ]),
    ("chem-storage", "hazardous_chemicals", "Hazardous chemicals: storage",
     "危险化学品储存检查", [
        ("licence", "Valid hazardous chemicals permit on site", "危险化学品许可证在有效期内"),
        ("segregation", "Incompatible chemicals stored apart", "禁忌物料分开存放"),
        ("ledger", "Inbound and outbound ledger kept up to date", "出入库台账记录完整"),
        ("gas-alarm", "Gas detectors and alarms installed and tested", "可燃有毒气体检测报警装置完好并定期检测"),
        ("training", "Staff trained, emergency drill held this year", "从业人员经培训，本年度开展应急演练"),
    ]),
    ("site-basic", "construction", "Construction site: daily check", "建筑施工现场日常检查", [
        ("edges", "Edges and openings guarded", "临边、洞口防护到位"),
        ("scaffold", "Scaffolding inspected and tagged", "脚手架经验收并挂牌"),
        ("crane", "Tower crane certified, operator licensed", "塔吊检验合格，司机持证上岗"),
        ("helmets", "Workers wear helmets and harnesses", "作业人员佩戴安全帽、安全带"),
    ]),
]  # fmt: skip


def seed(sector_model, checklist_model) -> None:
    """Create or update the seeded checklists (used by migration 0003 with its historical
    models, and by the tests after a flush)."""
    for code, sector, en, zh, items in CHECKLISTS:
        sec = sector_model.objects.filter(code=sector).first()
        if sec is None:
            continue
        checklist_model.objects.update_or_create(
            code=code,
            defaults={"sector": sec, "name_en": en, "name_zh": zh,
                      "items": [{"code": c, "en": e, "zh": z} for c, e, z in items]},
        )  # fmt: skip
