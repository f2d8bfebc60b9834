// composecheck loads Compose files with compose-go, the loader behind
// `docker compose`, the way `docker compose config` does: YAML, merge keys,
// interpolation, the Compose Specification JSON schema, and normalisation.
// It prints the resolved project as JSON (like `docker compose config
// --format json`) and exits 1 with the loader's message when a file is
// invalid.
//
// Used by tests/deploy/test_compose.py where no Docker Compose plugin is
// installed:
//
//	go run . -f ../../../deploy/docker-compose.yml
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

type files []string

func (f *files) String() string     { return fmt.Sprint(*f) }
func (f *files) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	var configFiles files
	flag.Var(&configFiles, "f", "Compose file (repeatable)")
	flag.Parse()
	if len(configFiles) == 0 {
		fmt.Fprintln(os.Stderr, "usage: composecheck -f FILE [-f FILE...]")
		os.Exit(2)
	}
	opts, err := cli.NewProjectOptions(configFiles, cli.WithOsEnv, cli.WithDotEnv, cli.WithConsistency(true))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(string(out))
}
