"""The talent roster as banks and insurers send it: which columns, under which names."""

from collections.abc import Sequence
from typing import Any, overload

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.core.chinese import ChineseValueError, validate_id_number
from rencai.core.imports import cells
from rencai.core.imports.schema import Column, ImportContext, ImportSchema, RowRejected, rows_imported
from rencai.core.objects.writes import create_many, create_rows
from rencai.core.personal import bulk_blind_indexes
from rencai.core.roles import Role, role_of
from rencai.orgs.models import Department, Organization
from rencai.talents.models import (
    ETHNICITIES,
    KEY_FIELDS,
    CareerEntry,
    DictionaryEntry,
    DictionaryKind,
    Talent,
    check_identity,
    derived_names,
)

_CAREER_COLUMNS = (
    "version",
    "created_at",
    "updated_at",
    "talent_id",
    "organization_id",
    "organization_name",
    "department_name",
    "position",
    "start",
    "end",
)

#: 政治面貌 as clerks write it.
POLITICAL_SPELLINGS = {  # i18n: matched against the clerk's Chinese workbook
    "党员": "中共党员",
    "中国共产党党员": "中共党员",
    "共产党员": "中共党员",
    "预备党员": "中共预备党员",
    "团员": "共青团员",
    "民主党派": "民主党派成员",
    "无党派": "无党派人士",
}
#: 学历 as clerks write it (besides the synonyms the office keeps on each entry).
EDUCATION_SPELLINGS = {  # i18n: matched against the clerk's Chinese workbook
    "博士": "博士研究生",
    "硕士": "硕士研究生",
    "研究生": "硕士研究生",
    "本科": "大学本科",
    "大本": "大学本科",
    "大专": "大学专科",
    "专科": "大学专科",
    "中专": "中专及以下",
}
GENDER_SPELLINGS = {
    "男性": "男",
    "女性": "女",
    "m": "男",
    "f": "女",
}  # i18n: matched against the clerk's Chinese workbook
ETHNICITY_SPELLINGS = {
    e.removesuffix("族"): e for e in ETHNICITIES if e.endswith("族") and len(e) > 2
}  # i18n: matched against the clerk's Chinese workbook
DICTIONARY_LOOKUP = ("name", "code")


class TalentSchema(ImportSchema):
    model = Talent
    title = "人才信息导入模板"
    key_fields = ("id_number",)
    guarded_fields = KEY_FIELDS
    confirm_fields = ("name", "organization")
    columns = [
        Column("name", ("名字", "人员姓名", "姓 名"), required=True, squeeze_cjk=True, example="张志强"),
        Column("gender", ("性 别",), values=GENDER_SPELLINGS, note="可留空，按身份证号码自动填写", example="男"),
        Column("ethnicity", ("民 族",), values=ETHNICITY_SPELLINGS, example="汉族"),
        Column(
            "birth_date",
            ("出生年月", "出生年月日", "出生时间"),
            month_ok=True,
            note="可写 1985-03-07、1985.03 或 1985年3月；可留空，按身份证号码填写",
            example="1985-03-07",
        ),
        Column(
            "id_number",
            ("身份证号", "身份证", "公民身份号码", "证件号码", "身份证件号码"),
            required=True,
            note="18位，末位X大小写均可；请将该列设为文本格式",
            example="110105198503071230",
        ),
        Column("political_status", ("政治面貌 ",), values=POLITICAL_SPELLINGS, example="中共党员"),
        Column(
            "education",
            ("最高学历", "学历（最高）"),
            values=EDUCATION_SPELLINGS,
            lookup_fields=DICTIONARY_LOOKUP,
            example="大学本科",
        ),
        Column("degree", ("最高学位",), lookup_fields=DICTIONARY_LOOKUP, example="硕士"),
        Column("title", ("职称", "专业技术职务", "技术职称"), lookup_fields=DICTIONARY_LOOKUP, example="经济师"),
        Column(
            "organization",
            ("所属机构", "工作单位", "单位", "单位名称", "所在机构", "机构名称"),
            label="所在单位",
            required=False,
            lookup_fields=("name", "short_name", "credit_code"),
            note="机构全称、简称或统一社会信用代码；整表同属一个机构时可不要此列",
        ),
        Column("department", ("所在部门", "部门名称"), note="须为所在单位已建立的部门"),
        Column("position", ("职务", "职位", "岗位", "现任职务"), example="风险管理部副总经理"),
        Column("work_start", ("参加工作时间", "参加工作年月", "工作时间"), month_ok=True, example="2008-07"),
        Column("mobile", ("手机", "手机号", "联系电话", "联系方式", "移动电话"), example="13800138000"),
        Column("email", ("邮箱", "电子邮件", "email", "e-mail", "电子信箱")),
        Column("category", ("类别", "人才类型", "人才队伍"), lookup_fields=DICTIONARY_LOOKUP, example="金融商务人才"),
        Column("subcategory", ("子类别", "细分类别"), lookup_fields=DICTIONARY_LOOKUP),
        Column("tier", ("层级", "人才层次类别"), lookup_fields=DICTIONARY_LOOKUP, example="英才"),
        Column("level", ("层次", "百千万人才层次"), lookup_fields=DICTIONARY_LOOKUP),
        Column("echelon", ("梯队",), lookup_fields=DICTIONARY_LOOKUP),
        Column("notes", ("说明",)),
    ]
    instructions = [
        "每行一人；身份证号码是每个人的唯一标识，再次导入同一身份证号码会更新该人员的信息。",
        "表头可以在标题行之下；“填报单位：……”写在标题中时，可不要“所在单位”列。",
        "类别、层级、学历等请从下拉列表中选择，也可填写字典代码。",
        "空白单元格不会清除系统中已有的信息。",
        "机构联络员修改姓名、身份证号码、性别、出生日期、类别、层级、层次须在系统中提交变更申请。",
    ]

    def extra_for(self, user) -> dict[str, Any]:
        """A liaison's changes to key fields need the office's approval."""
        return {"guarded": role_of(user) != Role.OFFICE}

    def normaliser(self, column: Column, context: ImportContext) -> cells.Normaliser:
        if column.field == "department":
            return cells.text(100)
        return super().normaliser(column, context)

    def check_row(self, values: dict[str, Any], context: ImportContext) -> None:
        problems: list[tuple[str, str, str]] = []
        if values.get("id_number"):
            birth, gender, found = check_identity(values["id_number"], values.get("birth_date"), values.get("gender"))
            values["birth_date"], values["gender"] = birth, gender
            problems += found
        elif not values.get("gender"):
            problems.append(("gender", "required", _("请填写性别（填写身份证号码可自动识别）")))
        self._check_subcategory(values, context, problems)
        self._resolve_department(values, context, problems)
        if problems:
            raise RowRejected(problems)

    def _check_subcategory(self, values: dict[str, Any], context: ImportContext, problems: list) -> None:
        if not values.get("subcategory_id"):
            return
        parents = context.cached(
            "subcategory_parents",
            lambda: dict(
                DictionaryEntry.objects.filter(kind=DictionaryKind.SUBCATEGORY).values_list("pk", "parent_id")
            ),
        )
        if values.get("category_id") and parents.get(values["subcategory_id"]) != values["category_id"]:
            problems.append(("subcategory", "invalid", _("子类别不属于所填的人才类别")))

    def _resolve_department(self, values: dict[str, Any], context: ImportContext, problems: list) -> None:
        name = values.pop("department_id", None)
        if not name:
            return
        departments = context.cached(
            "departments",
            lambda: {
                (org_id, cells.lookup_key(dept_name)): pk
                for pk, org_id, dept_name in Department.objects.filter(
                    organization_id__in=context.visible_org_ids
                ).values_list("pk", "organization_id", "name")
            },
        )
        org_id = values.get("organization_id")
        found = departments.get((org_id, cells.lookup_key(name)))
        if found is None and org_id is not None:
            # Issue 22: listed by the preview ("将新建部门：普惠金融部（3行）"), created with a
            # commit the importer confirmed; refused only by a commit without that choice.
            pending = context.extra.setdefault("new_departments", {})
            pending[(org_id, name)] = pending.get((org_id, name), 0) + 1
            if not context.extra.get("committing"):
                return
            if not context.extra.get("create_departments"):
                problems.append(
                    (
                        "department",
                        "unknown_choice",
                        _("所在单位没有名为“%(name)s”的部门；如需新建，请在预览页勾选“同时新建这些部门”")
                        % {"name": name},
                    )
                )
                return
            department = Department.objects.create(organization_id=org_id, name=name)
            found = departments[(org_id, cells.lookup_key(name))] = department.pk
        if found is None:
            problems.append(
                (
                    "department",
                    "unknown_choice",
                    _("所在单位没有名为“%(name)s”的部门，请先在机构中建立") % {"name": name},
                )
            )
        else:
            values["department_id"] = found

    def pending_creations(self, context: ImportContext) -> list[str]:
        """What a confirmed commit creates besides the rows: "普惠金融部（XX分行，3行）"."""
        pending = context.extra.get("new_departments", {})
        if not pending:
            return []
        names = dict(Organization.objects.filter(pk__in={org for org, _name in pending}).values_list("pk", "name"))
        return [
            _("%(department)s（%(organization)s，%(count)s行）")
            % {"department": name, "organization": names.get(org, ""), "count": count}
            for (org, name), count in sorted(pending.items(), key=str)
        ]

    def find_existing(self, keys: list[tuple], context: ImportContext) -> dict[tuple, Talent]:
        # Under every configured key: during a key rotation some rows still hold the old index.
        indexes = context.cached("blind_indexes", bulk_blind_indexes)
        by_index = {index: key for key in keys for index in indexes(key[0])}
        if connection.vendor == "postgresql":
            # One array parameter instead of thousands of placeholders to expand.
            found = Talent.objects.extra(  # noqa: S610 - a fixed clause, the values are a parameter
                where=[f"{Talent._meta.db_table}.id_number_bidx = ANY(%s)"], params=[list(by_index)]
            )
        else:
            found = Talent.objects.filter(id_number_bidx__in=list(by_index))
        return {by_index[t.id_number_bidx]: t for t in found}

    fast_create = True

    def prepare(self, instance: Talent) -> None:
        instance.derive_names()

    def derive(self, values: dict[str, Any], context: ImportContext) -> None:
        values.update(derived_names(values.get("name") or ""))

    def after_create(self, ids: list[int], rows: list[dict[str, Any]], context: ImportContext) -> None:
        """Each new talent's first career entry (as ``Talent.save()`` would open it), as
        tuples through the same audited bulk helper; then ``rows_imported``."""
        names = context.cached("organization_names", lambda: dict(Organization.objects.values_list("pk", "name")))
        departments = context.cached(
            "department_names",
            lambda: dict(
                Department.objects.filter(organization_id__in=context.visible_org_ids).values_list("pk", "name")
            ),
        )
        today = timezone.localdate()
        now = timezone.now()
        columns = (*_CAREER_COLUMNS,)
        entries = [
            (
                1,
                now,
                now,
                talent_id,
                values.get("organization_id"),
                names.get(values.get("organization_id"), ""),
                departments.get(values.get("department_id"), "") if values.get("department_id") else "",
                values.get("position") or "",
                values.get("work_start") or today,
                None,
            )
            for talent_id, values in zip(ids, rows, strict=True)
        ]
        create_rows(CareerEntry, columns, entries, note={"import": True})
        if rows_imported.has_listeners(Talent):
            rows_imported.send(sender=Talent, instances=_Built(self, context, ids, rows))

    def after_insert(self, instances: list[Talent], context: ImportContext) -> None:
        """Each new talent's first career entry, as ``Talent.save()`` would open it."""
        names = context.cached("organization_names", lambda: dict(Organization.objects.values_list("pk", "name")))
        today = timezone.localdate()
        entries = [
            CareerEntry(
                talent=t,
                organization_id=t.organization_id,
                organization_name=names.get(t.organization_id, ""),
                position=t.position,
                start=t.work_start or today,
            )
            for t in instances
        ]
        create_many(CareerEntry, entries)
        rows_imported.send(sender=Talent, instances=instances)


class _Built(Sequence[Talent]):
    """The talents of a batch created from tuples, as instances built only when a
    receiver of ``rows_imported`` looks at them (most batches meet no rule)."""

    def __init__(self, schema: TalentSchema, context: ImportContext, ids: list[int], rows: list[dict[str, Any]]):
        self.schema, self.context, self.ids, self.rows = schema, context, ids, rows
        self.built: list[Talent] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Talent: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Talent]: ...
    def __getitem__(self, index: int | slice) -> Talent | Sequence[Talent]:
        if self.built is None:
            self.built = []
            for talent_id, values in zip(self.ids, self.rows, strict=True):
                instance = self.schema.build(values, self.context)
                assert isinstance(instance, Talent)
                instance.pk = talent_id
                instance._state.adding = False
                instance._state.db = "default"
                self.built.append(instance)
        return self.built[index]


def talent_by_id_number() -> cells.Normaliser:
    """A cell holding an ID number, read as the registered talent it names (any
    import that records something about a talent already in the registry)."""

    def normalise(raw: object) -> int:
        text = cells.clean_text(raw)
        try:
            number = validate_id_number(text)
        except ChineseValueError as exc:
            raise cells.CellError(exc.code, str(exc)) from exc
        talent = Talent.objects.by_id_number(number).first()
        if talent is None:
            raise cells.CellError("invalid", _("人才信息库中没有该身份证号码的人员。"))
        return talent.pk

    return normalise
