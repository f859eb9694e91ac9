"""Word lists for the demo jurisdiction: place names, people, organisations, case texts.

Everything here is fictional. Names are built from common characters with their pinyin so
that every area has a Chinese name, an English (pinyin) name and a short code.
"""

from __future__ import annotations

CITY = ("LJ", "临江市", "Linjiang City")

# The counties/districts, in the order they are used (the first is the "memorable" one).
# (Chinese stem, pinyin stem, urban?, code) — urban units are districts with streets and
# communities; rural ones are counties with towns and villages.
COUNTIES = [
    ("东湖", "Donghu", True, "DH"),
    ("青松", "Qingsong", False, "QS"),
    ("西山", "Xishan", True, "XS"),
    ("白河", "Baihe", False, "BH"),
    ("江北", "Jiangbei", True, "JB"),
    ("云台", "Yuntai", False, "YT"),
    ("梅岭", "Meiling", False, "ML"),
    ("南湖", "Nanhu", True, "NH"),
    ("石门", "Shimen", False, "SM"),
    ("金沙", "Jinsha", False, "JS"),
    ("凤鸣", "Fengming", True, "FM"),
    ("龙泉", "Longquan", False, "LQ"),
]

# Fixed first township and community so that the demo logins are memorable.
FIRST_TOWNSHIP = ("青石", "qing", "shi")
FIRST_COMMUNITY = ("柳岸", "liu", "an")

# Two-character place names are built as FIRST × SECOND (character, pinyin).
PLACE_FIRST = [
    ("青", "qing"), ("金", "jin"), ("柳", "liu"), ("桃", "tao"), ("松", "song"),
    ("梅", "mei"), ("兰", "lan"), ("竹", "zhu"), ("杨", "yang"), ("枫", "feng"),
    ("石", "shi"), ("玉", "yu"), ("银", "yin"), ("朝", "zhao"), ("新", "xin"),
    ("长", "chang"), ("永", "yong"), ("安", "an"), ("和", "he"), ("福", "fu"),
    ("兴", "xing"), ("华", "hua"), ("明", "ming"), ("清", "qing"), ("丰", "feng"),
    ("太", "tai"), ("平", "ping"), ("荷", "he"), ("杏", "xing"), ("翠", "cui"),
    ("红", "hong"), ("白", "bai"), ("黄", "huang"), ("紫", "zi"), ("春", "chun"),
    ("秋", "qiu"), ("双", "shuang"), ("三", "san"), ("五", "wu"), ("马", "ma"),
    ("龙", "long"), ("凤", "feng"), ("鹤", "he"), ("雁", "yan"), ("东", "dong"),
    ("西", "xi"), ("南", "nan"), ("北", "bei"),
]  # fmt: skip
PLACE_SECOND = [
    ("岸", "an"), ("园", "yuan"), ("湾", "wan"), ("桥", "qiao"), ("山", "shan"),
    ("河", "he"), ("塘", "tang"), ("坪", "ping"), ("林", "lin"), ("溪", "xi"),
    ("泉", "quan"), ("岭", "ling"), ("湖", "hu"), ("庄", "zhuang"), ("口", "kou"),
    ("坡", "po"), ("港", "gang"), ("苑", "yuan"), ("门", "men"), ("渡", "du"),
    ("田", "tian"), ("湾", "wan"), ("埠", "bu"), ("冲", "chong"), ("堡", "bao"),
    ("源", "yuan"), ("阳", "yang"), ("浦", "pu"), ("丘", "qiu"), ("洲", "zhou"),
    ("峰", "feng"), ("院", "yuan"), ("城", "cheng"), ("营", "ying"), ("堰", "yan"),
    ("滩", "tan"), ("沟", "gou"), ("坝", "ba"), ("亭", "ting"), ("寨", "zhai"),
]  # fmt: skip


def join_pinyin(a: str, b: str) -> str:
    """Join two syllables as pinyin is written: "liu" + "an" -> "Liu'an"."""
    sep = "'" if b[:1] in "aoe" else ""
    return (a + sep + b).capitalize()


def ascii_slug(pinyin: str) -> str:
    return "".join(ch for ch in pinyin.lower() if ch.isalnum())


# People: (surname, pinyin) and given-name characters.
SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"),
    ("杨", "Yang"), ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"),
    ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"),
    ("郭", "Guo"), ("何", "He"), ("高", "Gao"), ("林", "Lin"), ("罗", "Luo"),
    ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"), ("唐", "Tang"),
    ("许", "Xu"), ("韩", "Han"), ("冯", "Feng"), ("邓", "Deng"), ("曹", "Cao"),
]  # fmt: skip
GIVEN = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
    ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
    ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"),
    ("明", "ming"), ("超", "chao"), ("秀", "xiu"), ("霞", "xia"), ("平", "ping"),
    ("刚", "gang"), ("桂", "gui"), ("英", "ying"), ("华", "hua"), ("建", "jian"),
    ("国", "guo"), ("红", "hong"), ("文", "wen"), ("玉", "yu"), ("兰", "lan"),
    ("志", "zhi"), ("海", "hai"), ("春", "chun"), ("林", "lin"), ("斌", "bin"),
]  # fmt: skip

# Organisations per category: (Chinese, English). Chinese legal-form suffixes are added
# by the generator, so several spellings of one organisation occur, as they do in intake.
COMPANY_STEMS = [
    ("恒达", "Hengda"), ("宏远", "Hongyuan"), ("鑫源", "Xinyuan"), ("华盛", "Huasheng"),
    ("金鹏", "Jinpeng"), ("博远", "Boyuan"), ("永兴", "Yongxing"), ("瑞丰", "Ruifeng"),
    ("天成", "Tiancheng"), ("中联", "Zhonglian"), ("德信", "Dexin"), ("盛世", "Shengshi"),
    ("嘉和", "Jiahe"), ("新宇", "Xinyu"), ("东方", "Dongfang"), ("广源", "Guangyuan"),
    ("立信", "Lixin"), ("聚鑫", "Juxin"), ("汇通", "Huitong"), ("昌盛", "Changsheng"),
]  # fmt: skip
TRADES = {
    "labour": [("建筑", "Construction"), ("电子", "Electronics"), ("服装", "Garments"),
               ("物流", "Logistics"), ("餐饮", "Catering"), ("机械", "Machinery"),
               ("家具", "Furniture"), ("食品", "Food")],
    "construction": [("建筑工程", "Construction Engineering"), ("建设", "Construction"),
                     ("装饰工程", "Decoration Engineering"), ("路桥", "Road & Bridge")],
    "property": [("物业服务", "Property Services"), ("物业管理", "Property Management")],
    "consumer": [("商贸", "Trading"), ("家电", "Home Appliances"), ("健身", "Fitness"),
                 ("教育培训", "Education & Training"), ("汽车销售", "Auto Sales"),
                 ("美容", "Beauty")],
    "environment": [("化工", "Chemical"), ("造纸", "Paper"), ("石材", "Stone"),
                    ("印染", "Dyeing"), ("饲料", "Feed")],
    "contract_debt": [("商贸", "Trading"), ("投资", "Investment"), ("建材", "Building Materials")],
}  # fmt: skip
HOSPITALS = [
    ("{county}人民医院", "{county} People's Hospital"),
    ("{county}中医院", "{county} Hospital of Traditional Chinese Medicine"),
    ("{township}卫生院", "{township} Health Centre"),
    ("{county}妇幼保健院", "{county} Maternal and Child Health Hospital"),
]
RELOCATION_BODIES = [
    ("{county}房屋征收管理办公室", "{county} Housing Expropriation Office"),
    ("{county}城市建设投资有限公司", "{county} Urban Construction Investment Co., Ltd."),
    ("{township}人民政府", "{township} People's Government"),
]
VILLAGE_COMMITTEE = ("{community}村民委员会", "{community} Villagers' Committee")

CHANNEL_WEIGHTS = {
    "walk_in": 0.30,
    "hotline": 0.22,
    "grid_worker": 0.22,
    "web": 0.16,
    "api": 0.04,
    "referral": 0.06,
}

# Category parameters: relative weekly base rate, respondent kind, money range (yuan,
# log-uniform) or None, monthly seasonality (Jan..Dec) and yearly trend.
CATEGORY_PROFILE: dict[str, dict] = {
    "neighbour": dict(rate=1.00, respondent="person", amount=None,
                      season=[0.85, 0.75, 0.90, 0.95, 1.05, 1.20, 1.30, 1.30, 1.10, 0.95, 0.85, 0.80],
                      trend=0.00, urban=1.1, rural=0.9),
    "family": dict(rate=0.45, respondent="person", amount=None,
                   season=[1.10, 1.45, 1.05, 0.95, 0.95, 0.95, 1.00, 1.00, 0.95, 1.10, 0.95, 0.95],
                   trend=-0.02, urban=1.0, rural=1.0),
    "labour": dict(rate=0.45, respondent="organisation", amount=(3000, 120000),
                   season=[1.55, 1.25, 0.80, 0.85, 0.90, 0.90, 0.95, 0.95, 0.95, 1.00, 1.15, 1.45],
                   trend=0.03, urban=1.1, rural=0.9),
    "rural_land": dict(rate=0.35, respondent="person", amount=None,
                       season=[0.70, 0.80, 1.40, 1.40, 1.10, 0.95, 0.85, 0.90, 1.10, 1.20, 0.90, 0.70],
                       trend=-0.06, urban=0.1, rural=2.2),
    "property": dict(rate=0.75, respondent="organisation", amount=(500, 20000),
                     season=[1.10, 0.85, 0.95, 0.95, 1.00, 1.05, 1.15, 1.10, 0.95, 0.95, 0.95, 1.05],
                     trend=0.08, urban=1.6, rural=0.3),
    "relocation": dict(rate=0.10, respondent="organisation", amount=(80000, 1500000),
                       season=[0.90, 0.80, 1.00, 1.10, 1.10, 1.05, 1.00, 1.00, 1.05, 1.00, 1.00, 1.00],
                       trend=-0.03, urban=1.0, rural=1.0),
    "consumer": dict(rate=0.40, respondent="organisation", amount=(200, 30000),
                     season=[1.15, 1.20, 0.95, 0.90, 0.95, 1.00, 0.95, 0.95, 0.95, 1.05, 1.20, 1.10],
                     trend=0.05, urban=1.3, rural=0.6),
    "traffic": dict(rate=0.25, respondent="person", amount=(2000, 300000),
                    season=[1.15, 1.20, 0.95, 0.95, 0.95, 0.95, 1.00, 1.00, 0.95, 1.10, 0.95, 1.00],
                    trend=0.00, urban=1.0, rural=1.0),
    "medical": dict(rate=0.05, respondent="organisation", amount=(10000, 800000),
                    season=[1.05, 1.05, 1.00, 1.00, 0.95, 0.95, 1.00, 1.00, 0.95, 1.00, 1.00, 1.05],
                    trend=0.00, urban=1.1, rural=0.9),
    "construction": dict(rate=0.20, respondent="organisation", amount=(20000, 2000000),
                         season=[1.35, 1.10, 0.85, 0.90, 0.95, 0.95, 0.95, 0.95, 0.95, 1.00, 1.05, 1.30],
                         trend=-0.02, urban=1.1, rural=0.9),
    "environment": dict(rate=0.06, respondent="organisation", amount=None,
                        season=[0.85, 0.80, 0.90, 1.00, 1.10, 1.20, 1.25, 1.20, 1.05, 0.95, 0.90, 0.85],
                        trend=0.02, urban=0.8, rural=1.2),
    "contract_debt": dict(rate=0.80, respondent="mixed", amount=(1000, 400000),
                          season=[1.35, 1.15, 0.90, 0.90, 0.95, 0.95, 0.95, 0.95, 0.95, 1.00, 1.00, 1.20],
                          trend=0.02, urban=1.0, rural=1.0),
}  # fmt: skip

# Descriptions: a handful of variants per category and language. Placeholders:
# {a} applicant, {r} respondent, {amt} amount, {m} months, {n} people, {place} area name.
DESCRIPTIONS: dict[str, dict[str, list[str]]] = {
    "neighbour": {
        "zh": [
            "{a}反映楼上住户{r}家中长期漏水，导致其卫生间天花板发霉，多次协商未果。",
            "{a}称邻居{r}每晚十点后仍有较大噪音，影响家中老人和孩子休息，请求调解。",
            "{a}与{r}因楼道堆放杂物、占用公共通道发生争执，双方情绪较为激动。",
            "{a}反映邻居{r}在院墙边搭建棚子，遮挡其房屋采光和通风。",
            "{a}与{r}因车位使用问题多次发生口角，请求社区协调。",
        ],
        "en": [
            "{a} reports a long-standing water leak from the flat of {r} upstairs; the bathroom ceiling is mouldy and talks have failed.",
            "{a} says neighbour {r} makes loud noise after 10 pm every night, disturbing the elderly and children at home.",
            "{a} and {r} argued over belongings stored in the shared stairwell blocking the passage.",
            "{a} reports that neighbour {r} built a shed against the boundary wall, blocking light and air.",
            "{a} and {r} keep quarrelling over the use of a parking space and ask the community to help.",
        ],
    },
    "family": {
        "zh": [
            "{a}反映其子女{r}不履行赡养义务，长期未支付生活费，请求调解。",
            "{a}与{r}离婚后就子女探视时间和抚养费支付产生分歧。",
            "{a}与兄弟{r}因父母遗留房屋的继承分配发生纠纷。",
            "{a}与配偶{r}因家庭琐事长期争吵，希望通过调解缓和关系。",
        ],
        "en": [
            "{a} says their adult child {r} has not paid support for months and asks for mediation.",
            "{a} and former spouse {r} disagree about visiting times and child support after the divorce.",
            "{a} and sibling {r} dispute how the parents' house should be divided as inheritance.",
            "{a} and spouse {r} argue constantly over household matters and want mediation to ease things.",
        ],
    },
    "labour": {
        "zh": [
            "{a}等{n}人反映{r}拖欠{m}个月工资共计{amt}元，多次讨要未果。",
            "{a}称在{r}工作期间发生工伤，单位拒绝支付医疗费和停工留薪期工资。",
            "{a}反映{r}未依法缴纳社会保险，且解除劳动合同未支付经济补偿，涉及金额{amt}元。",
            "{a}等{n}名工人称{r}以项目未结算为由拖欠工资{amt}元，临近春节急需支付。",
        ],
        "en": [
            "{a} and {n} workers say {r} owes them {m} months of wages, {amt} yuan in total, and has ignored repeated requests.",
            "{a} was injured at work at {r}; the employer refuses to pay medical costs and wages during treatment.",
            "{a} says {r} did not pay social insurance and gave no severance when ending the contract ({amt} yuan).",
            "{a} and {n} workers say {r} withholds {amt} yuan of wages because a project has not been settled; the Spring Festival is near.",
        ],
    },
    "rural_land": {
        "zh": [
            "{a}与{r}因承包地界址不清发生争执，双方各执一词。",
            "{a}反映其承包土地流转给{r}后，对方未按合同支付流转费。",
            "{a}称{r}在其承包地上擅自种植，侵占其土地经营权。",
            "{a}与{r}因灌溉用水和沟渠使用发生纠纷。",
        ],
        "en": [
            "{a} and {r} dispute the boundary between their contracted fields.",
            "{a} transferred contracted land to {r}, who has not paid the agreed transfer fee.",
            "{a} says {r} planted crops on land contracted to {a} without permission.",
            "{a} and {r} disagree about irrigation water and the use of a shared ditch.",
        ],
    },
    "property": {
        "zh": [
            "{a}反映{r}对小区电梯故障长期不维修，业主出行困难，拒绝缴纳物业费。",
            "{a}称{r}擅自提高物业费标准，未经业主大会同意。",
            "{a}反映小区公共区域被{r}出租作商业用途，收益去向不明。",
            "{a}与{r}因房屋漏水维修责任及物业费{amt}元的支付发生纠纷。",
            "{a}反映{r}停车管理混乱，消防通道被占用。",
        ],
        "en": [
            "{a} says {r} has left the estate's lift broken for weeks; owners are refusing to pay the service fee.",
            "{a} says {r} raised the property fee without the owners' assembly agreeing.",
            "{a} reports that {r} rents out common areas commercially and nobody knows where the income goes.",
            "{a} and {r} dispute who must repair a leak and whether {amt} yuan of fees is due.",
            "{a} reports that parking under {r} is chaotic and fire lanes are blocked.",
        ],
    },
    "relocation": {
        "zh": [
            "{a}对{r}作出的房屋征收补偿标准有异议，认为评估价格明显偏低。",
            "{a}反映安置房迟迟未交付，{r}未按约定支付过渡期安置费。",
            "{a}称其房屋面积认定有误，{r}少算补偿款约{amt}元。",
            "{a}等{n}户村民对{r}的征地补偿分配方案有异议。",
        ],
        "en": [
            "{a} objects to the compensation set by {r} for the expropriated house; the valuation seems far too low.",
            "{a} says resettlement housing is overdue and {r} has not paid the agreed transition allowance.",
            "{a} says the floor area was measured wrongly and {r} underpaid compensation by about {amt} yuan.",
            "{a} and {n} households object to how {r} shares out the land requisition compensation.",
        ],
    },
    "consumer": {
        "zh": [
            "{a}在{r}办理预付卡后商家停业，剩余金额{amt}元无法退还。",
            "{a}从{r}购买的家电出现质量问题，商家拒绝退换。",
            "{a}反映{r}的培训课程与宣传不符，要求退费{amt}元。",
            "{a}称{r}在维修服务中多收费用，且维修后故障依旧。",
        ],
        "en": [
            "{a} bought a prepaid card from {r}, which then closed; {amt} yuan left on the card cannot be refunded.",
            "{a} bought an appliance from {r} that is faulty; the seller refuses to replace it.",
            "{a} says a course sold by {r} is not as advertised and asks for a refund of {amt} yuan.",
            "{a} says {r} overcharged for a repair and the fault is still there.",
        ],
    },
    "traffic": {
        "zh": [
            "{a}驾驶电动车与{r}驾驶的小轿车发生碰撞，双方对赔偿金额{amt}元有争议。",
            "{a}步行时被{r}骑行的电动车撞伤，医疗费用分担未达成一致。",
            "{a}与{r}在路口发生追尾事故，保险理赔后仍有差额{amt}元。",
        ],
        "en": [
            "{a} on an e-bike collided with a car driven by {r}; they disagree about {amt} yuan of compensation.",
            "{a} was hit by an e-bike ridden by {r}; they cannot agree who pays the medical costs.",
            "{a} and {r} had a rear-end collision at a crossing; {amt} yuan remains after insurance.",
        ],
    },
    "medical": {
        "zh": [
            "{a}认为其家属在{r}治疗期间存在误诊，要求赔偿{amt}元。",
            "{a}反映在{r}手术后出现并发症，医院未充分告知风险。",
            "{a}对{r}的收费明细有异议，认为存在重复收费。",
        ],
        "en": [
            "{a} believes a relative was misdiagnosed at {r} and claims {amt} yuan.",
            "{a} suffered complications after surgery at {r} and says the risks were not explained.",
            "{a} disputes the bill from {r}, believing some items were charged twice.",
        ],
    },
    "construction": {
        "zh": [
            "{a}反映{r}拖欠工程款{amt}元，项目已竣工验收一年仍未结算。",
            "{a}称{r}施工的自建房出现墙体开裂，双方对维修责任有争议。",
            "{a}作为分包方与总包{r}就工程量确认和付款{amt}元发生纠纷。",
        ],
        "en": [
            "{a} says {r} owes {amt} yuan for construction work accepted a year ago and still not settled.",
            "{a} says walls of a house built by {r} have cracked; they dispute who must repair them.",
            "{a}, a subcontractor, disputes the measured quantities and a payment of {amt} yuan with main contractor {r}.",
        ],
    },
    "environment": {
        "zh": [
            "{a}等{n}名居民反映{r}夜间排放刺激性气味废气，影响居民健康。",
            "{a}反映{r}向附近河道排放污水，河水发黑发臭，鱼类死亡。",
            "{a}称{r}生产噪声昼夜不停，居民无法正常休息。",
            "{a}反映{r}露天堆放废料，扬尘严重。",
        ],
        "en": [
            "{a} and {n} residents report that {r} releases pungent fumes at night, affecting their health.",
            "{a} reports that {r} discharges waste water into the nearby river, which has turned black; fish are dying.",
            "{a} says machinery at {r} runs day and night and residents cannot sleep.",
            "{a} reports that {r} stores waste in the open and the dust is severe.",
        ],
    },
    "contract_debt": {
        "zh": [
            "{a}于{m}个月前借给{r}{amt}元，约定期限已过，对方以各种理由拖延不还。",
            "{a}与{r}签订买卖合同后，对方收货未付款{amt}元。",
            "{a}称{r}租用其门面房后拖欠租金{amt}元。",
            "{a}为{r}提供装修服务，尾款{amt}元至今未付。",
        ],
        "en": [
            "{a} lent {amt} yuan to {r} {m} months ago; the due date has passed and {r} keeps delaying repayment.",
            "{a} sold goods to {r}, who received them but has not paid {amt} yuan.",
            "{a} says {r} rents a shopfront from {a} and owes {amt} yuan of rent.",
            "{a} did renovation work for {r} and the final {amt} yuan is still unpaid.",
        ],
    },
}

NOTES = {
    "reject": ("不属于人民调解受理范围，已告知当事人依法通过其他途径解决。",
               "Outside the scope of mediation; the party was told which body can help."),
    "redirect": ("已转交有管辖权的机关办理。", "Passed to the competent authority."),
    "attempt": ("双方分歧较大，本次调解未达成一致，另行约期。",
                "The parties remain far apart; no agreement this time, another session is set."),
    "resolve": ("经调解双方达成一致，签订调解协议。",
                "The parties reached agreement and signed a mediation agreement."),
    "refer": ("调解未成，已引导当事人申请仲裁或向人民法院起诉。",
              "No agreement; the parties were guided to arbitration or court."),
    "withdraw": ("当事人自行和解，申请撤回。", "The parties settled on their own and withdrew."),
    "escalate": ("案情复杂，提级办理。", "Complex case; escalated."),
}  # fmt: skip
