from django.core.management.base import BaseCommand, CommandError

from rencai.accounts.models import User
from rencai.accounts.services import issue_enrolment_code
from rencai.core.errors import Refused


class Command(BaseCommand):
    help = "为三员账号签发一次性动态验证码绑定码：enrolment_code USERNAME [--hours N]"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--hours", type=int, default=None, help="有效小时数（默认 RENCAI_ENROLMENT_CODE_HOURS）")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有启用的用户“{options['username']}”")
        try:
            code = issue_enrolment_code(user, hours=options["hours"])
        except Refused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{user.username} 的绑定码：{code}")
        self.stdout.write("（只显示这一次；本人登录后输入绑定码，再扫码绑定身份验证器。）")
