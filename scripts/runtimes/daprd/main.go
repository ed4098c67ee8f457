// daprd with the sqlite name resolver registered on top of the stable components,
// so that self-hosted service invocation resolves app ids on one machine over loopback.
// The resolver is wrapped so that daprd caches its answers (resolver.go).
package main

import (
	"github.com/dapr/dapr/cmd/daprd/app"
	nrLoader "github.com/dapr/dapr/pkg/components/nameresolution"
)

func main() {
	nrLoader.DefaultRegistry.RegisterComponent(newCachedSqlite, "sqlite")
	app.Run()
}
