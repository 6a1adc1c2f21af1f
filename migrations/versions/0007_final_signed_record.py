"""a final signed record: what was signed, edits with their base, changes after sign-off

`signed_snapshot` freezes what a clinician signed; `change_after_sign_off` keeps what the patient
changes afterwards beside it. `record_edit` keeps each save's changed fields, so a save based on
an older version can tell its own changes from a colleague's. `emergency_support` records the
patient's wishes if the heart struggles during a PCI with no planned pump. Readiness answers get
the time they were given.

Existing decisions keep their meaning: "go-ahead" stays a decision to go ahead, with the option
not recorded. Records signed before this revision have no snapshot: the first change the patient
makes after it freezes the record as it stood, before applying the change.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('discussion', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('emergency_support', sa.String(length=32), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('emergency_support_note', sa.Text(), nullable=False, server_default='')
        )
        batch_op.add_column(sa.Column('signed_snapshot', sa.Text(), nullable=True))
    with op.batch_alter_table('readiness_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))
    op.create_table(
        'record_edit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('discussion_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=64), nullable=False),
        sa.Column('before', sa.Text(), nullable=False),
        sa.Column('after', sa.Text(), nullable=False),
        sa.Column('author', sa.String(length=120), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['discussion_id'], ['discussion.id'],
            name=op.f('fk_record_edit_discussion_id_discussion'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_record_edit')),
    )
    with op.batch_alter_table('record_edit', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_record_edit_discussion_id'), ['discussion_id'], unique=False
        )
    op.create_table(
        'change_after_sign_off',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('discussion_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('item', sa.String(length=64), nullable=False),
        sa.Column('before', sa.Text(), nullable=False),
        sa.Column('after', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ['discussion_id'], ['discussion.id'],
            name=op.f('fk_change_after_sign_off_discussion_id_discussion'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_change_after_sign_off')),
    )


def downgrade():
    op.drop_table('change_after_sign_off')
    with op.batch_alter_table('record_edit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_edit_discussion_id'))
    op.drop_table('record_edit')
    with op.batch_alter_table('readiness_answer', schema=None) as batch_op:
        batch_op.drop_column('answered_at')
    with op.batch_alter_table('discussion', schema=None) as batch_op:
        batch_op.drop_column('signed_snapshot')
        batch_op.drop_column('emergency_support_note')
        batch_op.drop_column('emergency_support')
