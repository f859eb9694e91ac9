"""Seed the dispute categories of DESIGN §5 (a deployment may edit them afterwards)."""

from django.db import migrations

# code, English, Chinese, default tier, channels, department (en, zh), help (en, zh), days to resolve
CATEGORIES = [
    ("neighbour", "Neighbour", "邻里纠纷", "community", ["peoples_mediation"],
     "Community mediation committee", "社区人民调解委员会",
     "Noise, shared walls, water leaks, boundaries, parking between neighbours.",
     "噪音、漏水、通道、界址、停车等邻里之间的矛盾。", 30),
    ("family", "Marriage & family", "婚姻家庭纠纷", "community", ["peoples_mediation", "litigation"],
     "Women's federation / mediation committee", "妇联 / 人民调解委员会",
     "Marriage, divorce arrangements, support of elders and children, inheritance in the family.",
     "婚姻、离婚后事项、赡养抚养、家庭内部继承等。", 30),
    ("labour", "Labour & wage arrears", "劳动争议及欠薪", "township",
     ["labour_mediation", "labour_arbitration", "litigation"],
     "Human resources & social security", "人力资源和社会保障部门",
     "Unpaid wages, dismissal, social insurance, work injury compensation.",
     "拖欠工资、解除劳动合同、社会保险、工伤赔偿等。", 15),
    ("rural_land", "Rural land contract", "农村土地承包纠纷", "township",
     ["mediation", "rural_land_arbitration", "litigation"],
     "Agriculture & rural affairs", "农业农村部门",
     "Contracted land, transfer of land management rights, boundaries of fields.",
     "土地承包经营权、流转、地块界址等。", 30),
    ("property", "Property management", "物业纠纷", "community",
     ["peoples_mediation", "administrative_mediation"],
     "Housing", "住房和城乡建设部门（物业）",
     "Property fees, repairs, common areas, the owners' committee.",
     "物业费、维修、公共区域、业主委员会等。", 30),
    ("relocation", "Land requisition & relocation", "征地拆迁纠纷", "county",
     ["administrative_reconsideration", "petition", "litigation"],
     "Natural resources", "自然资源部门",
     "Compensation and resettlement after land requisition or demolition.",
     "征收补偿、安置等。", 60),
    ("consumer", "Consumer", "消费纠纷", "community",
     ["administrative_mediation", "arbitration"],
     "Market regulation", "市场监督管理部门",
     "Faulty goods, services not delivered, refunds, prepaid cards.",
     "商品质量、服务未履行、退款、预付卡等。", 30),
    ("traffic", "Traffic accident", "交通事故纠纷", "township",
     ["administrative_mediation", "litigation"],
     "Traffic police", "公安交通管理部门",
     "Compensation after a road accident.", "道路交通事故损害赔偿。", 30),
    ("medical", "Medical", "医疗纠纷", "county", ["medical_mediation", "litigation"],
     "Health", "卫生健康部门",
     "Disputes with a hospital or clinic about treatment and harm.",
     "与医疗机构之间关于诊疗和损害的争议。", 30),
    ("construction", "Construction & engineering", "建设工程纠纷", "township",
     ["mediation", "commercial_arbitration", "litigation"],
     "Housing & construction", "住房和城乡建设部门",
     "Payment for construction work, quality of works, subcontracting.",
     "工程款、工程质量、分包等。", 30),
    ("environment", "Environmental pollution", "环境污染纠纷", "county",
     ["administrative_mediation", "administrative_reconsideration", "litigation"],
     "Ecology & environment", "生态环境部门",
     "Pollution of air, water or soil, noise from plants and works.",
     "大气、水、土壤污染，工厂或工地噪声等。", 30),
    ("contract_debt", "Contract & debt", "合同及债务纠纷", "community",
     ["peoples_mediation", "arbitration", "litigation"],
     "Justice", "司法行政部门",
     "Loans between people, unpaid debts, contracts not kept.",
     "民间借贷、欠款、合同未履行等。", 30),
]  # fmt: skip


def seed(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    for code, en, zh, tier, channels, dep_en, dep_zh, h_en, h_zh, days in CATEGORIES:
        deadlines = {
            "registered": [3, "working"],
            "accepted": [2, "working"],
            "assigned": [3, "working"],
            "in_progress": [days, "calendar"],
            "escalated": [3, "working"],
            "reopened": [3, "working"],
            "resolved": [15, "calendar"],
            "referred": [30, "calendar"],
            "follow_up": [5, "working"],
        }
        Category.objects.update_or_create(
            code=code,
            defaults=dict(
                name_en=en, name_zh=zh, default_tier=tier, channels=channels,
                department_en=dep_en, department_zh=dep_zh, help_en=h_en, help_zh=h_zh,
                deadlines=deadlines, allow_anonymous=code not in ("family", "medical"),
            ),
        )  # fmt: skip


def unseed(apps, schema_editor):
    apps.get_model("cases", "Category").objects.filter(
        code__in=[c[0] for c in CATEGORIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
