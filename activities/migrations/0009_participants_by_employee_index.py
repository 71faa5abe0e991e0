"""Who takes part in what, read by person: "the activities these people take part in" (the
participants access rule, activities/access.py) reads only this index (an index-only scan) instead
of the 20,000 heap rows a branch's people have spread over the table: 11 → about 3 ms on every
list page and count of a branch manager (docs/benchmarks.md). The through table is Django's own
(a plain ManyToManyField), so the index is written here rather than in a model's Meta."""

from django.db import migrations

TABLE = "activities_activity_participants"
NAME = "activities_participants_by_employee"


class Migration(migrations.Migration):
    dependencies = [("activities", "0008_open_task_index")]

    operations = [
        migrations.RunSQL(
            f'CREATE INDEX "{NAME}" ON "{TABLE}" ("employee_id", "activity_id")',
            f'DROP INDEX "{NAME}"',
        ),
    ]
