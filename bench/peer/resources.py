"""django-import-export resources for :class:`PeerTalent`, keyed by the ID number.

Declared fields get a plain ``Widget`` unless told otherwise, so the typed columns name
their widget, as a user of the library writes them.
"""

from import_export import resources, widgets
from import_export.fields import Field

from bench.peer.models import PeerTalent


def _text(attribute: str, column: str) -> Field:
    """A text column: an empty cell becomes ``""`` (the columns are ``NOT NULL``)."""
    return Field(attribute=attribute, column_name=column, widget=widgets.CharWidget())


def _date(attribute: str, column: str) -> Field:
    """A date column, parsed with ``settings.DATE_INPUT_FORMATS`` (see ``bench/peer/settings.py``)."""
    return Field(attribute=attribute, column_name=column, widget=widgets.DateWidget())


class PeerTalentResource(resources.ModelResource):
    """Default settings: one look-up and one save per row."""

    seq = Field(attribute="seq", column_name="序号", widget=widgets.IntegerWidget())
    name = _text("name", "姓名")
    gender = _text("gender", "性别")
    ethnicity = _text("ethnicity", "民族")
    birth_date = _date("birth_date", "出生年月")
    id_number = _text("id_number", "身份证号码")
    political_status = _text("political_status", "政治面貌")
    education = _text("education", "学历")
    degree = _text("degree", "学位")
    title = _text("title", "专业技术职称")
    department = _text("department", "部门")
    position = _text("position", "职务")
    work_start = _date("work_start", "参加工作时间")
    mobile = _text("mobile", "手机号码")
    category = _text("category", "人才类别")

    class Meta:
        model = PeerTalent
        fields = (
            "seq",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_number",
            "political_status",
            "education",
            "degree",
            "title",
            "department",
            "position",
            "work_start",
            "mobile",
            "category",
        )
        import_id_fields = ("id_number",)


class PeerTalentBulkResource(PeerTalentResource):
    """The same with ``use_bulk = True`` (``batch_size`` left at its default, 1,000)."""

    class Meta(PeerTalentResource.Meta):
        use_bulk = True
