"""the patient's NHS number, and the Yellow Card report of an adverse event

`nhs_number` holds the patient's NHS number when staff give one on starting a discussion: ten
digits, checked (Modulus 11) before it is stored, NULL when none was given. It goes to the
clinician's copy and the FHIR document (`Patient.identifier`), never to the patient's pages, and
is removed with its discussion by the retention purge.

`yellow_card` records whether an adverse event or device problem was reported to the MHRA's
Yellow Card scheme ("yes", "no", "not-applicable", or "" when not recorded), with the report's
reference in `yellow_card_reference`. Existing records read "not recorded".

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('discussion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nhs_number', sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column('yellow_card', sa.String(length=16), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column(
                'yellow_card_reference', sa.String(length=64), nullable=False, server_default=''
            )
        )


def downgrade():
    with op.batch_alter_table('discussion', schema=None) as batch_op:
        batch_op.drop_column('yellow_card_reference')
        batch_op.drop_column('yellow_card')
        batch_op.drop_column('nhs_number')
