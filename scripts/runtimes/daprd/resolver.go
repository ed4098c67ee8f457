package main

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	authSqlite "github.com/dapr/components-contrib/common/authentication/sqlite"
	nr "github.com/dapr/components-contrib/nameresolution"
	"github.com/dapr/components-contrib/nameresolution/sqlite"
	"github.com/dapr/kit/logger"
	kitmd "github.com/dapr/kit/metadata"
)

// cachedSqlite is the sqlite name resolver that also answers ResolveIDMulti. daprd caches the answers
// of such resolvers (20 s, and drops an entry when a call to it fails as Unavailable), so an
// invocation no longer runs a SQLite query in the caller's sidecar. The embedded resolver still
// registers this sidecar, keeps its row fresh and removes it on Close; the lookup reads the same table.
//
// The embedded resolver's cleanup is switched off: in components-contrib v1.18.3 it deletes the rows
// renewed *within* the last update interval (`now - last_update < interval`), that is every live
// registration, and each sidecar then exits with "Host registration lost" at its next renewal. With the
// default interval of an hour, every sidecar of an `npm start` died an hour after it started. Init
// removes the rows that stopped renewing instead.
type cachedSqlite struct {
	nr.Resolver
	logger logger.Logger
	db     *sql.DB
	query  string
}

// lookupMetadata is the part of the sqlite resolver's configuration that the lookup needs; the defaults
// are the resolver's own.
type lookupMetadata struct {
	authSqlite.SqliteAuthMetadata `mapstructure:",squash"`
	TableName                     string        `mapstructure:"tableName"`
	UpdateInterval                time.Duration `mapstructure:"updateInterval"`
}

func newCachedSqlite(log logger.Logger) nr.Resolver {
	return &cachedSqlite{Resolver: sqlite.NewResolver(log), logger: log}
}

// liveIntervals is how many update intervals a row counts as live after its last renewal. The embedded
// resolver renews about a second before the interval ends; on two busy cores a renewal can come later
// than that, and a row counted stale fails every call to a live sidecar until the next renewal.
const liveIntervals = 2

// staleAfter is the age of a row that Init deletes: its sidecar stopped renewing long ago.
const staleAfter = time.Minute

func (r *cachedSqlite) Init(ctx context.Context, md nr.Metadata) error {
	conf, ok := md.Configuration.(map[string]any)
	if !ok && md.Configuration != nil {
		return fmt.Errorf("name resolution configuration: expected a map, got %T", md.Configuration)
	}
	md.Configuration = withoutCleanup(conf)
	if err := r.Resolver.Init(ctx, md); err != nil {
		return err
	}
	m := lookupMetadata{TableName: "hosts", UpdateInterval: 5 * time.Second}
	m.Reset()
	if err := kitmd.DecodeMetadata(md.Configuration, &m); err != nil {
		return err
	}
	if !authSqlite.ValidIdentifier(m.TableName) {
		return fmt.Errorf("invalid identifier for table name: %s", m.TableName)
	}
	conn, err := m.GetConnectionString(r.logger, authSqlite.GetConnectionStringOpts{})
	if err != nil {
		return err
	}
	if r.db, err = sql.Open("sqlite", conn); err != nil {
		return fmt.Errorf("failed to open the name resolution database for lookups: %w", err)
	}
	r.query = fmt.Sprintf(
		`SELECT address FROM %s WHERE app_id = ? AND unixepoch(CURRENT_TIMESTAMP) - last_update < %d`,
		m.TableName, liveIntervals*int(m.UpdateInterval.Seconds()),
	)
	stale := fmt.Sprintf(`DELETE FROM %s WHERE unixepoch(CURRENT_TIMESTAMP) - last_update >= %d`,
		m.TableName, int(max(staleAfter, liveIntervals*m.UpdateInterval).Seconds()))
	if _, err := r.db.ExecContext(ctx, stale); err != nil {
		return fmt.Errorf("failed to remove stale registrations: %w", err)
	}
	return nil
}

// withoutCleanup copies the configuration with the embedded resolver's cleanup off (an interval of 0).
func withoutCleanup(conf map[string]any) map[string]any {
	out := make(map[string]any, len(conf)+1)
	for k, v := range conf {
		if k != "cleanupInterval" && k != "cleanupIntervalInSeconds" {
			out[k] = v
		}
	}
	out["cleanupInterval"] = "0"
	return out
}

// ResolveIDMulti returns every live address of the app; daprd picks one per call.
func (r *cachedSqlite) ResolveIDMulti(ctx context.Context, req nr.ResolveRequest) (nr.AddressList, error) {
	rows, err := r.db.QueryContext(ctx, r.query, req.ID)
	if err != nil {
		return nil, fmt.Errorf("failed to look up addresses: %w", err)
	}
	defer rows.Close()
	var list nr.AddressList
	for rows.Next() {
		var addr string
		if err := rows.Scan(&addr); err != nil {
			return nil, fmt.Errorf("failed to read an address: %w", err)
		}
		list = append(list, addr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("failed to look up addresses: %w", err)
	}
	if len(list) == 0 {
		return nil, sqlite.ErrNoHost
	}
	return list, nil
}

func (r *cachedSqlite) Close() error {
	if r.db != nil {
		r.db.Close()
	}
	return r.Resolver.Close()
}
