"""The validated wording of the PHQ-9 and the GAD-7, in English and Simplified Chinese.

The wording is data, not translated strings: a validated instrument must be shown exactly as
published, so it does not pass through the gettext catalogue.

Sources:
- PHQ-9 and GAD-7, English: Spitzer, Williams, Kroenke and colleagues, developed with an
  educational grant from Pfizer Inc.; "No permission required to reproduce, translate,
  display or distribute" (the PHQ Screeners site, www.phqscreeners.com). Kroenke et al. 2001;
  Spitzer et al. 2006.
- PHQ-9 and GAD-7, Simplified Chinese: the Chinese (China) translations published on the
  same PHQ Screeners site (Pfizer), the wording used in the Chinese validation studies (e.g.
  Wang W. et al. 2014, Gen Hosp Psychiatry 36:539-544 for the PHQ-9; He X. et al. 2010,
  Shanghai Arch Psychiatry 22:200-203 for the GAD-7).
"""

from __future__ import annotations

from accord.wellbeing.scoring import GAD7, PHQ9

OPTIONS = {
    "en": ("Not at all", "Several days", "More than half the days", "Nearly every day"),
    "zh": ("完全不会", "好几天", "一半以上的天数", "几乎每天"),
}
DIFFICULTY = {
    "en": (
        "If you checked off any problems, how difficult have these problems made it for you "
        "to do your work, take care of things at home, or get along with other people?"
    ),
    "zh": "如果您勾选了任何问题，这些问题在您工作、处理家庭事务，或与他人相处上造成了多大的困难？",
}
DIFFICULTY_OPTIONS = {
    "en": ("Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult"),
    "zh": ("毫无困难", "有点困难", "非常困难", "极度困难"),
}

TEXT = {
    PHQ9: {
        "title": {"en": "Patient Health Questionnaire (PHQ-9)", "zh": "患者健康问卷（PHQ-9）"},
        "stem": {
            "en": "Over the last 2 weeks, how often have you been bothered by any of the "
            "following problems?",
            "zh": "在过去两周里，您有多少时候受到以下任何问题的困扰？",
        },
        "items": {
            "en": (
                "Little interest or pleasure in doing things",
                "Feeling down, depressed, or hopeless",
                "Trouble falling or staying asleep, or sleeping too much",
                "Feeling tired or having little energy",
                "Poor appetite or overeating",
                "Feeling bad about yourself — or that you are a failure or have let yourself "
                "or your family down",
                "Trouble concentrating on things, such as reading the newspaper or watching "
                "television",
                "Moving or speaking so slowly that other people could have noticed? Or the "
                "opposite — being so fidgety or restless that you have been moving around a "
                "lot more than usual",
                "Thoughts that you would be better off dead or of hurting yourself in some way",
            ),
            "zh": (
                "做事时提不起劲或没有兴趣",
                "感到心情低落、沮丧或绝望",
                "入睡困难、睡不安稳或睡眠过多",
                "感觉疲倦或没有活力",
                "食欲不振或吃太多",
                "觉得自己很糟——或觉得自己很失败，或让自己或家人失望",
                "对事物专注有困难，例如阅读报纸或看电视时",
                "动作或说话速度缓慢到别人已经觉察？或正好相反——烦躁或坐立不安、动来动去的情况更胜于平常",
                "有不如死掉或用某种方式伤害自己的念头",
            ),
        },
    },
    GAD7: {
        "title": {
            "en": "Generalized Anxiety Disorder scale (GAD-7)",
            "zh": "广泛性焦虑量表（GAD-7）",
        },
        "stem": {
            "en": "Over the last 2 weeks, how often have you been bothered by the following "
            "problems?",
            "zh": "在过去两周里，您有多少时候受到以下问题的困扰？",
        },
        "items": {
            "en": (
                "Feeling nervous, anxious, or on edge",
                "Not being able to stop or control worrying",
                "Worrying too much about different things",
                "Trouble relaxing",
                "Being so restless that it is hard to sit still",
                "Becoming easily annoyed or irritable",
                "Feeling afraid, as if something awful might happen",
            ),
            "zh": (
                "感觉紧张、焦虑或急切",
                "不能够停止或控制担忧",
                "对各种各样的事情担忧过多",
                "很难放松下来",
                "由于不安而无法静坐",
                "变得容易烦恼或急躁",
                "感到似乎将有可怕的事情发生而害怕",
            ),
        },
    },
}


def text(instrument: str, zh: bool) -> dict:
    lang = "zh" if zh else "en"
    t = TEXT[instrument]
    return {
        "title": t["title"][lang],
        "stem": t["stem"][lang],
        "items": list(t["items"][lang]),
        "options": list(OPTIONS[lang]),
        "difficulty": DIFFICULTY[lang],
        "difficulty_options": list(DIFFICULTY_OPTIONS[lang]),
    }
