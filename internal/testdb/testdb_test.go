package testdb

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

const childEnv = "TESTDB_CLUSTER_CHILD"

// On a machine with a PostgreSQL server but without its binaries (here: the
// binary lookup pointed at an empty folder), a test that needs a cluster of
// its own is skipped with a message naming what is missing and how to
// install it, instead of failing with advice to start a server.
func TestClusterWithoutBinariesSkipsSayingWhy(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		Cluster(t)
		t.Fatal("Cluster returned without the PostgreSQL binaries")
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestClusterWithoutBinariesSkipsSayingWhy$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1", "PG_BIN_DIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child test failed: %v\n%s", err, out)
	}
	for _, want := range []string{"--- SKIP", "initdb, pg_ctl, postgres", "apt-get install postgresql-15"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("child output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "localhost:5432") {
		t.Errorf("child output sends the reader to start a server they have:\n%s", out)
	}
}

// With the binaries where the lookup finds them (this machine, unless told
// otherwise), Cluster gives a running server.
func TestClusterStarts(t *testing.T) {
	t.Parallel()
	c := Cluster(t)
	if c.Port == 0 {
		t.Fatal("no port")
	}
}
