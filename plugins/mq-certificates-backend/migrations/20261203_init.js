/*
 * Initial schema of the mq-certificates backend.
 *
 * Instants are stored as epoch milliseconds (bigint), not as timestamp
 * columns: the refresh-job claim compares run_at and claimed_until with "now"
 * in one conditional UPDATE, and integers compare the same way on SQLite and
 * PostgreSQL (SQLite has no timestamp type; knex writes Dates there as
 * numbers, while CURRENT_TIMESTAMP defaults would be text).
 *
 * No column holds a secret: keystore passwords live in Vault KV v2 and only
 * their mount/path/version is kept here.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('rotations', table => {
    table.comment('Certificate rotations of queue managers');
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable().comment('lower-case');
    table.string('queue_manager', 48).notNullable();
    table.string('serial_number', 128).notNullable();
    table.bigInteger('not_after').notNullable();
    table.string('fingerprint_sha256', 128).notNullable();
    table.string('certificate_label', 64).notNullable();
    table
      .text('certificates')
      .notNullable()
      .comment('JSON array, one per label');
    table.string('key_repository_format', 8).notNullable();
    table.string('keystore_password_mount', 255).nullable();
    table.string('keystore_password_path', 1024).nullable();
    table.integer('keystore_password_version').nullable();
    table.string('deploy_target', 255).nullable();
    table.text('staged_revision_path').nullable();
    table.text('staged_ssl_key_repository').nullable();
    table.text('previous_ssl_key_repository').nullable();
    table.string('previous_certificate_label', 64).nullable();
    table.string('superseded_serial_number', 128).nullable();
    table.string('superseded_pki_mount', 255).nullable();
    table.bigInteger('retire_at').nullable();
    table.bigInteger('retired_at').nullable();
    table.text('retire_error').nullable();
    table.string('state', 32).notNullable();
    table.text('state_reason').nullable();
    table.string('created_by', 255).notNullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.string('task_id', 255).nullable();
    table.index(['entity_ref', 'created_at'], 'rotations_entity_idx');
    table.index(['state', 'retire_at'], 'rotations_retire_idx');
  });

  await knex.schema.createTable('refresh_jobs', table => {
    table.comment('Scheduled REFRESH SECURITY TYPE(SSL) cut-overs');
    table.string('id', 36).primary().notNullable();
    table
      .string('rotation_id', 36)
      .notNullable()
      .references('id')
      .inTable('rotations')
      .onDelete('CASCADE');
    table.string('entity_ref', 255).notNullable();
    table.string('mode', 8).notNullable();
    table.bigInteger('run_at').notNullable();
    table.boolean('approval_required').notNullable();
    table.string('approved_by', 255).nullable();
    table.bigInteger('approved_at').nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.string('state', 32).notNullable();
    table.text('last_error').nullable();
    table.string('host_job_id', 64).nullable();
    table.string('created_by', 255).notNullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.bigInteger('started_at').nullable();
    table.bigInteger('finished_at').nullable();
    table.string('claimed_by', 255).nullable().comment('runner instance');
    table.bigInteger('claimed_until').nullable().comment('lease end, epoch ms');
    table.index(['state', 'run_at'], 'refresh_jobs_due_idx');
    table.index(['entity_ref', 'created_at'], 'refresh_jobs_entity_idx');
    table.index(['rotation_id'], 'refresh_jobs_rotation_idx');
  });

  await knex.schema.createTable('probe_snapshots', table => {
    table.comment('What a queue manager listener served when probed');
    table.bigIncrements('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('listener', 300).notNullable();
    table.bigInteger('probed_at').notNullable();
    table.string('serial_number', 128).nullable();
    table.string('fingerprint_sha256', 128).nullable();
    table.bigInteger('not_before').nullable();
    table.bigInteger('not_after').nullable();
    table.text('error').nullable();
    table.text('served').notNullable().comment('JSON ServedCertificate');
    table.index(['entity_ref', 'probed_at'], 'probe_snapshots_entity_idx');
    table.index(['probed_at'], 'probe_snapshots_age_idx');
  });

  await knex.schema.createTable('queue_manager_status', table => {
    table.comment('Per queue manager: latest snapshot and what was notified');
    table.string('entity_ref', 255).primary().notNullable();
    table.bigInteger('latest_snapshot_id').nullable();
    table.string('notified_state', 32).nullable();
    table.string('notified_mismatch_serial', 128).nullable();
    table.bigInteger('updated_at').notNullable();
  });

  await knex.schema.createTable('queue_manager_events', table => {
    table.comment('History of each queue manager, shown on its page');
    table.bigIncrements('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.string('type', 64).notNullable();
    table.text('message').notNullable();
    table.string('actor', 255).nullable();
    table.string('rotation_id', 36).nullable();
    table.string('job_id', 36).nullable();
    table.bigInteger('created_at').notNullable();
    table.index(
      ['entity_ref', 'created_at'],
      'queue_manager_events_entity_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('queue_manager_events');
  await knex.schema.dropTable('queue_manager_status');
  await knex.schema.dropTable('probe_snapshots');
  await knex.schema.dropTable('refresh_jobs');
  await knex.schema.dropTable('rotations');
};
