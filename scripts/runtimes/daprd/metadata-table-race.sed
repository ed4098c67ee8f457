# Applied at build time (build-dapr.sh) to a copy of the module and file on the `# file:` line.
# Sidecars that start together on a fresh database each run `CREATE TABLE IF NOT EXISTS dapr_metadata`;
# Postgres answers the loser of that race with 23505 or 42P07. EnsureMetadataTable retries 23505 only,
# so on 42P07 the sidecar exits (it did in CI when three sidecars shared a store, and it can when two
# replicas of one service start on a new database). 42P07 is retried like 23505.
# file: github.com/dapr/components-contrib common/component/sql/migrations/postgres/postgres_migrations.go
# expect: pgErr\.Code != pgerrcode\.UniqueViolation && pgErr\.Code != pgerrcode\.DuplicateTable\)
s/^\(\t*if !errors\.As(err, &pgErr) || \)pgErr\.Code != pgerrcode\.UniqueViolation {$/\1(pgErr.Code != pgerrcode.UniqueViolation \&\& pgErr.Code != pgerrcode.DuplicateTable) {/
