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

func (r *cachedSqlite) Init(ctx context.Context, md nr.Metadata) error {
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
	// the same freshness rule as the resolver's ResolveID: rows updated within one update interval
	r.query = fmt.Sprintf(
		`SELECT address FROM %s WHERE app_id = ? AND unixepoch(CURRENT_TIMESTAMP) - last_update < %d`,
		m.TableName, int(m.UpdateInterval.Seconds()),
	)
	return nil
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
