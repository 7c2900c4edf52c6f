"""User accounts, created in bulk by the system administrator (roles are then assigned by
the security administrator, as on the form)."""

from typing import Any

from rencai.accounts.models import User
from rencai.core.imports.schema import Column, ImportContext, ImportSchema


class UserSchema(ImportSchema):
    model = User
    title = "用户导入模板"
    key_fields = ("username",)
    save_each = True
    columns = [
        Column("username", ("用户名", "账号", "登录名"), required=True, example="zhangsan"),
        Column("full_name", ("姓名", "名字"), required=True, example="张三"),
        Column(
            "organization",
            ("所在单位", "单位", "机构"),
            label="所属机构",
            lookup_fields=("name", "short_name", "credit_code"),
        ),
        Column("email", ("邮箱", "电子邮件")),
        Column("mobile", ("手机", "手机号", "联系电话")),
        Column("id_number", ("身份证号", "公民身份号码")),
        Column("is_active", ("启用", "是否启用")),
    ]
    instructions = [
        "每行一个账号；用户名是唯一标识，再次导入同一用户名会更新该账号。",
        "新账号没有密码，须由系统管理员重置密码后告知本人；角色由安全管理员分配。",
    ]

    def allowed_organizations(self, context: ImportContext) -> set[int]:
        """The system administrator assigns users to any institution."""
        return context.visible_org_ids

    def may_update(self, instance: User, context: ImportContext) -> bool:
        return User.objects.editable_by(context.user).filter(pk=instance.pk).exists()

    def build(self, values: dict[str, Any], context: ImportContext) -> User:
        user = User(**values)
        user.set_unusable_password()
        return user

    def find_existing(self, keys: list[tuple], context: ImportContext) -> dict[tuple, User]:
        found = User.objects.filter(username__in=[k[0] for k in keys])
        return {(user.username,): user for user in found}
