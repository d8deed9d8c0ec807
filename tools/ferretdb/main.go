// Command tawasul-ferretdb runs FerretDB v1 embedded, with the SQLite backend, on a loopback
// address. It exists because `go install .../cmd/ferretdb` panics at start-up (upstream #2982);
// embedding the documented package avoids that. The Node side builds it once into a cache folder.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (loopback only)")
	sqliteURL := flag.String("sqlite-url", "file:./?mode=memory", "SQLite URL: file: + existing directory + trailing /, or in-memory")
	flag.Parse()

	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		fmt.Fprintf(os.Stderr, "tawasul-ferretdb: -listen must be a loopback address, got %q\n", *addr)
		os.Exit(2)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *addr},
		Handler:   "sqlite",
		SQLiteURL: *sqliteURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "tawasul-ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The parent process waits for this line before it connects.
	fmt.Printf("tawasul-ferretdb ready %s\n", f.MongoDBURI())
	f.Run(ctx)
}
