"""The statute table (DESIGN §6) as seed data for `StatuteRule`.

The engine reads the rules from the database; this list only seeds them (data migration
0002) and documents them (docs/resolution.md). A change of the law is a new or edited row,
not a code change. Each rule:

code            "<channel>.<step>", unique
channel         the channel it belongs to
procedure       "" for every procedure of the channel, else only that one (e.g. "simplified")
step            what must happen before the period ends
amount, unit    the length: N days / months / years
count           "calendar" or "working" days (working: the business calendar's working days)
extension_max   how much an approved extension may add (same unit); 0 = none; None = no
                fixed maximum (the approving authority decides)
start_event     the proceeding event that starts the clock ("applied", "accepted",
                "outcome:award", "knew", ...)
stop_events     events that stop it (the duty was met)
duty            "body" (the handling body must act: supervised, coloured, reminded),
                "party" (a party's time limit: shown and warned about) or
                "external" (a court's time limit: shown, not supervised)
kind            "period" or "limitation" (checked at intake against the date the party knew)
roll_forward    whether a period ending on a non-working day runs to the next working day
                (Civil Procedure Law art. 85); False for waiting periods after which a party
                gains a right, so that the right is never delayed
"""

from __future__ import annotations

CHANNELS = (
    "people_mediation",
    "labour_mediation",
    "admin_mediation",
    "labour_arbitration",
    "rural_land_arbitration",
    "commercial_arbitration",
    "admin_ruling",
    "admin_reconsideration",
    "petition",
    "litigation_referral",
    "judicial_confirmation",
)

STOP_DONE = ["concluded", "withdrawn"]
STOP_EXAMINED = ["accepted", "refused", "withdrawn"]


def _r(code, step, amount, unit, count, start, stop, duty, basis_en, basis_zh, *,
       procedure="", extension_max=0, kind="period", roll_forward=True, en="", zh=""):  # fmt: skip
    return {
        "code": code,
        "channel": code.split(".")[0],
        "procedure": procedure,
        "step": step,
        "amount": amount,
        "unit": unit,
        "count": count,
        "extension_max": extension_max,
        "start_event": start,
        "stop_events": list(stop),
        "duty": duty,
        "kind": kind,
        "roll_forward": roll_forward,
        "basis_en": basis_en,
        "basis_zh": basis_zh,
        "description_en": en,
        "description_zh": zh,
    }


LDMAL_EN = "Labour Dispute Mediation and Arbitration Law (2007)"
LDMAL_ZH = "《劳动争议调解仲裁法》(2007)"
RLAL_EN = "Rural Land Contract Dispute Mediation and Arbitration Law (2009)"
RLAL_ZH = "《农村土地承包经营纠纷调解仲裁法》(2009)"
ARL_EN = "Administrative Reconsideration Law (2023)"
ARL_ZH = "《行政复议法》(2023修订)"
LV_EN = "Regulations on Letters and Visits Work (2022)"
LV_ZH = "《信访工作条例》(2022)"
CPL_EN = "Civil Procedure Law (2023)"
CPL_ZH = "《民事诉讼法》(2023修正)"

RULES = [
    # --- people's mediation ---------------------------------------------------------------
    _r("people_mediation.mediate", "mediate", 1, "month", "calendar", "accepted", STOP_DONE,
       "body",
       "Ministry of Justice, Several Provisions on People's Mediation Work (2002) art. 33: "
       "mediation is generally concluded within one month (a rule, not a statute)",
       "司法部《人民调解工作若干规定》(2002) 第三十三条：人民调解委员会调解纠纷，一般在一个月内调结（规章，非法律）",
       en="Conclude the mediation", zh="调解结束"),
    _r("people_mediation.confirm_apply", "apply_confirmation", 30, "day", "calendar",
       "outcome:agreement", ["handoff:judicial_confirmation"], "party",
       "People's Mediation Law (2010) art. 33; " + CPL_EN + " art. 205: the parties apply "
       "jointly for judicial confirmation within 30 days of the agreement taking effect",
       "《人民调解法》第三十三条；" + CPL_ZH + "第二百零五条：自调解协议生效之日起三十日内共同申请司法确认",
       en="Apply to the court for judicial confirmation", zh="申请司法确认"),
    # --- labour mediation -----------------------------------------------------------------
    _r("labour_mediation.mediate", "mediate", 15, "day", "calendar", "applied",
       STOP_DONE + ["handoff:labour_arbitration"], "body",
       LDMAL_EN + " art. 14: no agreement within 15 days of the mediation organisation "
       "receiving the application → the parties may apply for arbitration",
       LDMAL_ZH + "第十四条：自劳动争议调解组织收到调解申请之日起十五日内未达成调解协议的，当事人可以依法申请仲裁",
       roll_forward=False, en="Reach agreement or offer arbitration",
       zh="达成协议或告知申请仲裁"),
    # --- administrative mediation ---------------------------------------------------------
    _r("admin_mediation.mediate", "mediate", 30, "day", "calendar", "accepted", STOP_DONE,
       "body",
       "No general statutory limit for administrative mediation: platform default, to be set "
       "by the competent department (e.g. its own rules for traffic or consumer disputes)",
       "行政调解无统一法定期限：平台默认值，由主管部门按其规定调整（如交通事故、消费纠纷的专门规定）",
       extension_max=30, en="Conclude the mediation", zh="调解结束"),
    # --- labour arbitration ---------------------------------------------------------------
    _r("labour_arbitration.limitation", "apply", 1, "year", "calendar", "knew", ["applied"],
       "party",
       LDMAL_EN + " art. 27: one year from the day the party knew or should have known of the "
       "infringement (interrupted by a claim or a request for mediation)",
       LDMAL_ZH + "第二十七条：仲裁时效期间为一年，从当事人知道或者应当知道其权利被侵害之日起计算",
       kind="limitation", en="Apply for labour arbitration", zh="申请劳动仲裁"),
    _r("labour_arbitration.examine", "accept_or_refuse", 5, "day", "calendar", "applied",
       STOP_EXAMINED, "body",
       LDMAL_EN + " art. 29: accept or refuse within 5 days of receiving the application",
       LDMAL_ZH + "第二十九条：收到仲裁申请之日起五日内决定受理或不予受理",
       en="Accept or refuse the application", zh="决定是否受理"),
    _r("labour_arbitration.award", "award", 45, "day", "calendar", "accepted", STOP_DONE,
       "body",
       LDMAL_EN + " art. 43: award within 45 days of accepting; extension of up to 15 days "
       "approved by the commission chair, with written notice to the parties",
       LDMAL_ZH + "第四十三条：受理之日起四十五日内结束；经仲裁委员会主任批准可延期，延长期限不得超过十五日",
       extension_max=15, en="Make the award", zh="作出裁决"),
    _r("labour_arbitration.sue", "sue", 15, "day", "calendar", "outcome:award",
       ["handoff:litigation_referral"], "party",
       LDMAL_EN + " arts. 48, 50: a party not accepting the award may sue within 15 days of "
       "receiving it",
       LDMAL_ZH + "第四十八条、第五十条：当事人不服仲裁裁决的，自收到裁决书之日起十五日内向人民法院提起诉讼",
       en="Sue in the people's court", zh="向人民法院起诉"),
    # --- rural land arbitration -----------------------------------------------------------
    _r("rural_land_arbitration.limitation", "apply", 2, "year", "calendar", "knew",
       ["applied"], "party",
       RLAL_EN + " art. 18: two years from the day the party knew or should have known",
       RLAL_ZH + "第十八条：仲裁时效为二年，自当事人知道或者应当知道其权利被侵害之日起计算",
       kind="limitation", en="Apply for rural-land arbitration", zh="申请农村土地承包仲裁"),
    _r("rural_land_arbitration.award", "award", 60, "day", "calendar", "accepted", STOP_DONE,
       "body",
       RLAL_EN + " art. 47: award within 60 days of accepting; extension of up to 30 days "
       "approved by the commission chair",
       RLAL_ZH + "第四十七条：受理之日起六十日内作出裁决；经仲裁委员会主任批准可延长，延长不得超过三十日",
       extension_max=30, en="Make the award", zh="作出裁决"),
    _r("rural_land_arbitration.sue", "sue", 30, "day", "calendar", "outcome:award",
       ["handoff:litigation_referral"], "party",
       RLAL_EN + " art. 48: a party may sue within 30 days of receiving the award",
       RLAL_ZH + "第四十八条：当事人不服仲裁裁决的，可以自收到裁决书之日起三十日内向人民法院起诉",
       en="Sue in the people's court", zh="向人民法院起诉"),
    # --- commercial arbitration -----------------------------------------------------------
    _r("commercial_arbitration.award", "award", 4, "month", "calendar", "accepted", STOP_DONE,
       "external",
       "No statutory limit: the arbitration institution's rules apply (e.g. domestic cases "
       "under the CIETAC Rules: 4 months from the tribunal's formation, extendable by the "
       "institution)",
       "法律未规定期限，适用仲裁机构规则（如贸仲规则国内案件：仲裁庭组成之日起四个月内，可由仲裁机构延长）",
       extension_max=None, en="Make the award", zh="作出裁决"),
    _r("commercial_arbitration.set_aside", "apply_set_aside", 6, "month", "calendar",
       "outcome:award", [], "party",
       "Arbitration Law art. 59 (numbering of the 2017 text): apply to set aside an award "
       "within 6 months of receiving it",
       "《仲裁法》第五十九条（2017年文本条序）：自收到裁决书之日起六个月内申请撤销裁决",
       en="Apply to set the award aside", zh="申请撤销裁决"),
    # --- administrative ruling ------------------------------------------------------------
    _r("admin_ruling.decide", "decide", 60, "day", "calendar", "accepted", STOP_DONE, "body",
       "No general statutory limit for administrative rulings: platform default, to be set "
       "from the law that gives the ruling power",
       "行政裁决无统一法定期限：平台默认值，依授权法律规定调整",
       extension_max=30, en="Make the ruling", zh="作出裁决"),
    _r("admin_ruling.challenge", "apply_reconsideration", 60, "day", "calendar",
       "outcome:decision", ["handoff:admin_reconsideration", "handoff:litigation_referral"],
       "party",
       ARL_EN + " art. 20: apply for reconsideration within 60 days of knowing of the act",
       ARL_ZH + "第二十条：自知道或者应当知道该行政行为之日起六十日内提出行政复议申请",
       en="Apply for administrative reconsideration", zh="申请行政复议"),
    # --- administrative reconsideration ---------------------------------------------------
    _r("admin_reconsideration.limitation", "apply", 60, "day", "calendar", "knew",
       ["applied"], "party",
       ARL_EN + " art. 20: 60 days from the day the applicant knew or should have known of "
       "the administrative act",
       ARL_ZH + "第二十条：自知道或者应当知道该行政行为之日起六十日内提出",
       kind="limitation", en="Apply for administrative reconsideration", zh="申请行政复议"),
    _r("admin_reconsideration.examine", "accept_or_refuse", 5, "day", "working", "applied",
       STOP_EXAMINED, "body",
       ARL_EN + " arts. 30, 88: examine within 5 days of receipt; 'five days' are working days",
       ARL_ZH + "第三十条、第八十八条：收到申请之日起五日内审查；“五日”指工作日",
       en="Examine and accept or refuse", zh="审查并决定是否受理"),
    _r("admin_reconsideration.decide", "decide", 60, "day", "calendar", "accepted", STOP_DONE,
       "body",
       ARL_EN + " art. 62: decide within 60 days of accepting; extension of up to 30 days "
       "approved by the head of the reconsideration organ",
       ARL_ZH + "第六十二条：受理之日起六十日内作出决定；经行政复议机构负责人批准可延长，延长不得超过三十日",
       procedure="ordinary", extension_max=30, en="Decide", zh="作出复议决定"),
    _r("admin_reconsideration.decide_simplified", "decide", 30, "day", "calendar", "accepted",
       STOP_DONE, "body",
       ARL_EN + " art. 62: under the simplified procedure, decide within 30 days of accepting",
       ARL_ZH + "第六十二条：适用简易程序的，自受理申请之日起三十日内作出决定",
       procedure="simplified", en="Decide (simplified procedure)", zh="作出复议决定（简易程序）"),
    _r("admin_reconsideration.sue", "sue", 15, "day", "calendar", "outcome:decision",
       ["handoff:litigation_referral"], "party",
       "Administrative Litigation Law (2017) art. 45: sue within 15 days of receiving the "
       "reconsideration decision",
       "《行政诉讼法》第四十五条：可以在收到复议决定书之日起十五日内向人民法院提起诉讼",
       en="Sue in the people's court", zh="向人民法院起诉"),
    # --- petitions (letters and visits) ---------------------------------------------------
    _r("petition.register", "register_and_dispose", 15, "day", "calendar", "applied",
       STOP_EXAMINED, "body",
       LV_EN + " arts. 22, 23: register and decide how to dispose within 15 days of receipt",
       LV_ZH + "第二十二条、第二十三条：收到信访事项之日起十五日内登记并分别处理",
       procedure="initial", en="Register and dispose", zh="登记并分流处理"),
    _r("petition.handle", "handle", 60, "day", "calendar", "accepted", STOP_DONE, "body",
       LV_EN + " arts. 34–36: handle within 60 days of accepting; extension of up to 30 days "
       "approved by the head of the organ",
       LV_ZH + "第三十四条至第三十六条：受理之日起六十日内办结；经本机关负责人批准可延长，延长不得超过三十日",
       procedure="initial", extension_max=30, en="Reply in writing", zh="出具书面答复"),
    _r("petition.request_review", "request_review", 30, "day", "calendar", "outcome:decision",
       ["handoff:petition"], "party",
       LV_EN + " arts. 34–36: a petitioner who disagrees may ask the next-higher organ for a "
       "review within 30 days of receiving the reply",
       LV_ZH + "第三十四条至第三十六条：信访人不服处理意见的，可以自收到书面答复之日起三十日内请求上一级机关复查",
       procedure="initial", en="Request a review", zh="请求复查"),
    _r("petition.review", "review", 30, "day", "calendar", "accepted", STOP_DONE, "body",
       LV_EN + " arts. 34–36: the reviewing organ gives its opinion within 30 days",
       LV_ZH + "第三十四条至第三十六条：收到复查请求之日起三十日内提出复查意见",
       procedure="review", en="Give the review opinion", zh="提出复查意见"),
    _r("petition.request_re_review", "request_re_review", 30, "day", "calendar",
       "outcome:decision", ["handoff:petition"], "party",
       LV_EN + " arts. 34–36: a re-review may be requested within 30 days of the review opinion",
       LV_ZH + "第三十四条至第三十六条：自收到复查意见之日起三十日内可以请求复核",
       procedure="review", en="Request a re-review", zh="请求复核"),
    _r("petition.re_review", "re_review", 30, "day", "calendar", "accepted", STOP_DONE, "body",
       LV_EN + " arts. 34–36: the re-reviewing organ gives its opinion within 30 days",
       LV_ZH + "第三十四条至第三十六条：收到复核请求之日起三十日内提出复核意见",
       procedure="re_review", en="Give the re-review opinion", zh="提出复核意见"),
    # --- litigation referral --------------------------------------------------------------
    _r("litigation_referral.ordinary", "judgment", 6, "month", "calendar", "accepted",
       STOP_DONE, "external",
       CPL_EN + " art. 152: ordinary procedure concluded within 6 months of filing; extension "
       "of 6 months approved by the court president",
       CPL_ZH + "第一百五十二条：普通程序立案之日起六个月内审结；经本院院长批准可延长六个月",
       procedure="ordinary", extension_max=6, en="Judgment (ordinary procedure)",
       zh="审结（普通程序）"),
    _r("litigation_referral.summary", "judgment", 3, "month", "calendar", "accepted",
       STOP_DONE, "external",
       CPL_EN + " art. 164: summary procedure concluded within 3 months of filing; extension "
       "of up to 1 month approved by the court president",
       CPL_ZH + "第一百六十四条：简易程序立案之日起三个月内审结；经本院院长批准可延长不超过一个月",
       procedure="summary", extension_max=1, en="Judgment (summary procedure)",
       zh="审结（简易程序）"),
    _r("litigation_referral.small_claims", "judgment", 2, "month", "calendar", "accepted",
       STOP_DONE, "external",
       CPL_EN + " art. 168: small claims concluded within 2 months of filing; extension of "
       "1 month approved by the court president",
       CPL_ZH + "第一百六十八条：小额诉讼立案之日起两个月内审结；经本院院长批准可延长一个月",
       procedure="small_claims", extension_max=1, en="Judgment (small claims)",
       zh="审结（小额诉讼）"),
    # --- judicial confirmation ------------------------------------------------------------
    _r("judicial_confirmation.decide", "decide", 15, "day", "calendar", "accepted", STOP_DONE,
       "external",
       "Supreme People's Court, Several Provisions on the Judicial Confirmation Procedure for "
       "People's Mediation Agreements (2011): decide within 15 days of accepting; extension "
       "of up to 10 days approved by the court president",
       "最高人民法院《关于人民调解协议司法确认程序的若干规定》(2011)：受理之日起十五日内作出是否确认的决定；经院长批准可延长不超过十日",
       extension_max=10, en="Decide whether to confirm", zh="作出是否确认的决定"),
]  # fmt: skip

PROCEDURES = {
    "admin_reconsideration": ("ordinary", "simplified"),
    "petition": ("initial", "review", "re_review"),
    "litigation_referral": ("ordinary", "summary", "small_claims", "enforcement"),
}
