# Zones and periods moved into core (see core 0003).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_zone_moved_to_core'),
        ('indicators', '0001_initial'),
    ]

    operations = [
        # Zones and periods moved into core with their tables: only Django's picture of the models changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name='filingperiod',
                    name='period_unique',
                ),
                migrations.AlterField(
                    model_name='actual',
                    name='zone',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.zone', verbose_name='zone'),
                ),
                migrations.AlterField(
                    model_name='dispatchrule',
                    name='zone',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.zone', verbose_name='zone'),
                ),
                migrations.AlterField(
                    model_name='indicator',
                    name='zone',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.zone', verbose_name='zone'),
                ),
                migrations.AlterField(
                    model_name='monthlyplan',
                    name='zone',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.zone', verbose_name='zone'),
                ),
                migrations.AlterField(
                    model_name='target',
                    name='zone',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.zone', verbose_name='zone'),
                ),
                migrations.RemoveField(
                    model_name='filingperiod',
                    name='zone',
                ),
                migrations.DeleteModel(
                    name='PeriodEvent',
                ),
                migrations.DeleteModel(
                    name='FilingPeriod',
                ),
            ],
            database_operations=[],
        ),
    ]
