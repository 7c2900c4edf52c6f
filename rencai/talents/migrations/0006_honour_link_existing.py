"""Existing honours kept their campaign and 文号 as free text in ``source_reference``
("2025年最美青年金融工作者（济金发〔2025〕12号）"): link each to its campaign where the text
names one, and move the 文号 into its field wherever the text holds one."""

import re

from django.db import migrations

#: 济金发〔2025〕12号, 鲁金办字[2024]3号, 济金发（2023）7号 …
DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d{1,5}\s*号")
WITH_NUMBER = re.compile(r"^(?P<campaign>.+?)（(?P<number>[^（）]+)）$")


def link(apps, schema_editor):
    Honour = apps.get_model("talents", "Honour")
    Campaign = apps.get_model("selections", "Campaign")
    campaigns = {f"{c.year}年{c.name}": c for c in Campaign.objects.all()}
    for honour in Honour.objects.filter(campaign__isnull=True).exclude(source_reference=""):
        text = honour.source_reference.strip()
        campaign, number = campaigns.get(text), ""
        matched = WITH_NUMBER.match(text)
        if campaign is None and matched:
            campaign = campaigns.get(matched["campaign"].strip())
            if campaign is not None:
                number = matched["number"].strip()
        if campaign is not None and not number:
            number = campaign.results_number
        if not number:
            found = DOCUMENT_NUMBER.search(text)
            number = re.sub(r"\s+", "", found.group(0)) if found else ""
        if campaign is None and not number:
            continue
        Honour.objects.filter(pk=honour.pk).update(
            campaign=campaign or honour.campaign, document_number=honour.document_number or number[:100]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("selections", "0001_initial"),
        ("talents", "0005_honour_campaign_document_number"),
    ]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
