"""when the patient's link was last sent by GOV.UK Notify, and when they last opened their guide

`link_sent_at` and `link_sent_how` ("text" or "email") say when staff last sent the patient their
link and how; the number or email address it went to is never stored. `patient_seen_at` is when
the patient last opened their guide on a device of their own, to within a few minutes: together
they tell the dashboard whether the patient has opened the guide since the link was sent.
Existing discussions read "never sent" and "not seen".

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('discussion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('patient_seen_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('link_sent_at', sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column('link_sent_how', sa.String(length=8), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('discussion', schema=None) as batch_op:
        batch_op.drop_column('link_sent_how')
        batch_op.drop_column('link_sent_at')
        batch_op.drop_column('patient_seen_at')
