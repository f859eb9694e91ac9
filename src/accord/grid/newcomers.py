"""The "new here" service page's content, as data (English and Simplified Chinese): help
first for unpaid wages, then schooling, housing and social insurance. A service only: the
page registers and tracks nobody.

The labour clocks are those of the Labour Dispute Mediation and Arbitration Law (2008)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    en: str
    zh: str
    basis_en: str = ""
    basis_zh: str = ""


@dataclass(frozen=True)
class Contact:
    name_en: str
    name_zh: str
    number: str
    what_en: str
    what_zh: str


WAGE_STEPS = (
    Step(
        "Keep what shows you worked and what you are owed: a contract, pay slips, attendance "
        "records, chat messages with the employer, the names of co-workers.",
        "保留能证明您工作和被欠工资的材料：劳动合同、工资条、考勤记录、与老板的聊天记录、工友姓名。",
    ),
    Step(
        "File the matter here (category: labour and wage arrears). You get a reference and a "
        "tracking code, and the township's labour mediation takes it up.",
        "在这里提交（类别：劳动与欠薪）。您会得到编号和查询码，由街道（乡镇）劳动争议调解受理。",
    ),
    Step(
        "Labour mediation: if there is no agreement within 15 days of your application, you "
        "may go straight to labour arbitration.",
        "劳动争议调解：自申请之日起15日内未达成协议的，可以直接申请劳动争议仲裁。",
        "Labour Dispute Mediation and Arbitration Law, art. 14",
        "《劳动争议调解仲裁法》第十四条",
    ),
    Step(
        "Labour arbitration: the commission decides within 5 days whether to accept, and "
        "gives its award within 45 days, extendable by 15 days. You have one year from the "
        "day you knew of the wrong to apply (unpaid wages while you still work there: "
        "no limit until you leave).",
        "劳动争议仲裁：仲裁委员会5日内决定是否受理，45日内作出裁决，可延长15日。申请时效为一年，"
        "自知道权利被侵害之日起计算（在职期间的欠薪不受此限，离职后一年内提出）。",
        "same law, arts. 27, 29, 43",
        "同法第二十七、二十九、四十三条",
    ),
    Step(
        "Not satisfied with the award? You may sue in court within 15 days of receiving it.",
        "对裁决不服的，可以自收到裁决书之日起15日内向人民法院起诉。",
        "same law, art. 48",
        "同法第四十八条",
    ),
    Step(
        "Free legal aid is available to people owed wages: call 12348 or ask at the "
        "township's legal service station.",
        "追索劳动报酬可以申请法律援助：拨打12348，或到街道（乡镇）公共法律服务站咨询。",
        "Legal Aid Law, art. 31",
        "《法律援助法》第三十一条",
    ),
)

TOPICS = (
    (
        "Schooling for your children",
        "子女上学",
        "Children of families who moved here can enrol in the local public school. Ask the "
        "community office which documents the district's education bureau needs (usually "
        "residence permit, proof of housing and of work).",
        "随迁子女可以在本地公办学校入学。请向社区询问区教育局需要的材料（通常为居住证、住房和就业证明）。",
    ),
    (
        "Housing",
        "住房",
        "A written rental contract protects you. The community office can help register a "
        "residence permit and tell you about public rental housing for newcomers.",
        "签订书面租房合同可以保护您的权益。社区可以帮助办理居住证，并介绍面向新市民的公租房、保障性租赁住房。",
    ),
    (
        "Social insurance",
        "社会保险",
        "Your employer must enrol you in social insurance (pension, medical, unemployment, "
        "work injury, maternity). You can check your record with the 12333 hotline.",
        "用人单位应当为您缴纳社会保险（养老、医疗、失业、工伤、生育）。可拨打12333查询缴费记录。",
    ),
)

CONTACTS = (
    Contact("Human resources and social security hotline", "人力资源和社会保障服务热线", "12333",
            "wages, contracts, social insurance", "工资、劳动合同、社会保险"),
    Contact("Legal aid hotline", "公共法律服务热线", "12348",
            "free legal advice and legal aid", "免费法律咨询和法律援助"),
    Contact("Government service hotline", "政务服务便民热线", "12345",
            "any question to the local government", "向当地政府反映问题、咨询"),
)  # fmt: skip


def page_content(zh: bool) -> dict:
    return {
        "wage_steps": [
            {"text": s.zh if zh else s.en, "basis": s.basis_zh if zh else s.basis_en}
            for s in WAGE_STEPS
        ],
        "topics": [{"title": t[1] if zh else t[0], "text": t[3] if zh else t[2]} for t in TOPICS],
        "contacts": [
            {
                "name": c.name_zh if zh else c.name_en,
                "number": c.number,
                "what": c.what_zh if zh else c.what_en,
            }  # fmt: skip
            for c in CONTACTS
        ],
    }
