"""A talent as a plain table: the 15 roster columns, typed, with the ID number unique."""

from django.db import models


class PeerTalent(models.Model):
    seq = models.IntegerField("序号", null=True, blank=True)
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=2, blank=True)
    ethnicity = models.CharField("民族", max_length=10, blank=True)
    birth_date = models.DateField("出生年月", null=True, blank=True)
    id_number = models.CharField("身份证号码", max_length=18, unique=True)
    political_status = models.CharField("政治面貌", max_length=20, blank=True)
    education = models.CharField("学历", max_length=20, blank=True)
    degree = models.CharField("学位", max_length=10, blank=True)
    title = models.CharField("专业技术职称", max_length=20, blank=True)
    department = models.CharField("部门", max_length=50, blank=True)
    position = models.CharField("职务", max_length=100, blank=True)
    work_start = models.DateField("参加工作时间", null=True, blank=True)
    mobile = models.CharField("手机号码", max_length=11, blank=True)
    category = models.CharField("人才类别", max_length=20, blank=True)

    def __str__(self) -> str:
        return self.name
