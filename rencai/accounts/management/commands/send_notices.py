from django.core.management.base import BaseCommand

from rencai.accounts.models import User
from rencai.accounts.notices import send_todo_notices


class Command(BaseCommand):
    help = "把每位用户的待办和到期事项发到消息中心（每项每天一条；选择了邮件提醒的同时发邮件）。由 cron 每天运行。"

    def add_arguments(self, parser):
        parser.add_argument("--role", action="append", default=[], help="只处理这些角色的用户（可重复）")

    def handle(self, *args, **options):
        users = User.objects.filter(is_active=True)
        if options["role"]:
            users = users.filter(role__in=options["role"])
        sent = send_todo_notices(users.iterator())
        self.stdout.write(f"已发送 {sent} 条待办消息。")
