"""Demo document templates (the four kinds officials write) and targets of seed 003."""

from datetime import date

from django.utils import timezone

from rencai.dashboards.models import DocumentKind, DocumentTemplate, Target
from rencai.talents.models import DictionaryEntry, DictionaryKind, TalentPool

ANNUAL_SUMMARY = """# 一、基本情况
截至{{年度}}年底，{{范围}}在库金融人才{{在库人才总数}}人，其中领军人才{{领军人才数}}人、高端人才{{高端人才数}}人、英才{{英才数}}人；建立专项人才库和专家智库{{人才库数}}个，在库成员{{人才库成员数}}人次。
[表格：人才层级]
[图表：人才层级]
# 二、主要工作
## （一）抓好人才培训
全年{{组织培训机构数}}家金融机构组织各类人才工作培训共计{{机构培训期数}}期，培训人员{{机构培训人次}}人次；市金融工作办公室举办培训班{{办公室培训期数}}期，参训{{办公室培训人次}}人次，在库人才受训覆盖率达到{{培训覆盖率}}%。
## （二）开展评选表彰
全年组织评选活动{{评选活动数}}项，{{评选当选人数}}名（个）个人和集体当选。
[表格：评选结果]
## （三）做好统计和服务
金融人力资源统计应报{{报表应报家数}}家，已报送{{报表已报家数}}家；人才服务诉求未办结{{服务诉求未办结数}}件，正在抓紧办理。
## （四）推进人才工程项目化管理
实施人才工程{{人才工程项目数}}项，分解任务{{人才工程任务数}}项，按期办结{{人才工程按期办结数}}项，逾期{{人才工程逾期数}}项，逾期任务已发督办单督促办理。
## （五）管好用好人才专项资金
全年安排人才专项资金{{人才专项资金万元}}万元，{{享受津贴人才数}}名人才享受津贴，发放评选奖励{{发放奖励万元}}万元。
## （六）加强信息报送
设立人才工作联络员{{联络员人数}}名，编发刊物{{刊物期数}}期，信息被刊物采用{{信息采用篇次}}篇次。
## （七）深化党建联盟与交流合作
{{党建联盟情况}}；{{挂职交流情况}}；{{院校合作情况}}。
# 三、下一步工作打算
进一步完善人才分类分层服务机制，扩大培训覆盖面，加强人才库动态管理。"""

TRAINING_REPORT = """# 一、总体情况
{{年度}}年，{{组织培训机构数}}家金融机构组织各类人才工作培训共计{{机构培训期数}}期，培训人员{{机构培训人次}}人次；市金融工作办公室举办金融人才素质提升专题培训班{{办公室培训期数}}期，参训{{办公室培训人次}}人次。在库人才受训覆盖率为{{培训覆盖率}}%。
[表格：机构培训]
# 二、存在的问题
部分机构培训以业务条线为主，管理类、综合素质类培训偏少；基层网点人员参训机会不均衡。
# 三、意见建议
统筹全市培训资源，扩大人才管理讲堂线上课程供给，推动培训学时互认。"""

SELECTION_NOTICE = """{{年度}}年，全市组织评选活动{{评选活动数}}项。经单位推荐、资格审查、专家评审和公示，共有{{评选当选人数}}名（个）个人和集体当选，现予通报。
[表格：评选结果]
希望受到表彰的个人和集体珍惜荣誉、再接再厉，各金融机构要以先进为榜样，推动全市金融人才工作再上新台阶。"""

WORK_REPORT = """# 一、人才队伍建设情况
目前，{{范围}}在库金融人才{{在库人才总数}}人，其中领军人才{{领军人才数}}人、高端人才{{高端人才数}}人、英才{{英才数}}人。
[图表：人才类别]
# 二、重点工作推进情况
培训方面，{{组织培训机构数}}家金融机构组织培训{{机构培训期数}}期、{{机构培训人次}}人次；评选方面，组织评选活动{{评选活动数}}项；统计方面，已报送{{报表已报家数}}家。
# 三、下一步打算
坚持人才引领发展，持续优化金融人才发展环境。"""


def load(stdout) -> None:
    if DocumentTemplate.objects.exists():
        stdout.write("文稿模板演示数据已存在，跳过。")
        return
    for kind, title, body, recipients in (
        (DocumentKind.ANNUAL_SUMMARY, "{{年度}}年全市金融人才工作总结", ANNUAL_SUMMARY, ""),
        (DocumentKind.TRAINING_REPORT, "关于{{年度}}年全市金融机构人才培训情况的调研报告", TRAINING_REPORT, ""),
        (DocumentKind.SELECTION_NOTICE, "关于{{年度}}年金融人才评选结果的通报", SELECTION_NOTICE, "各金融机构："),
        (DocumentKind.WORK_REPORT, "金融人才工作情况汇报", WORK_REPORT, ""),
    ):
        template = DocumentTemplate(kind=kind, title=title, body=body, recipients=recipients)
        template.full_clean()
        template.save()
    today = timezone.localdate()
    for code, number in (("LJ", 50), ("GD", 300)):
        entry = DictionaryEntry.objects.filter(kind=DictionaryKind.TIER, code=code).first()
        if entry:
            Target.objects.create(
                name=f"到{today.year + 1}年培育并保持{entry.name}{number}名",
                entry=entry,
                number=number,
                starts_on=date(today.year - 2, 1, 1),
                due_on=date(today.year + 1, 12, 31),
            )
    pool = TalentPool.objects.filter(name="培训讲师专项人才库").first()
    if pool:
        Target.objects.create(
            name="培训讲师专项人才库保持20名讲师",
            pool=pool,
            number=20,
            starts_on=date(today.year - 1, 1, 1),
            due_on=date(today.year, 12, 31),
        )
    stdout.write(f"领导驾驶舱：{DocumentTemplate.objects.count()} 个文稿模板、{Target.objects.count()} 个工作目标。")
