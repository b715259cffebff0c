# Sổ Đoàn: the two commands a newcomer needs are `make run` and `make test`.

GO      ?= go
# bash, so a recipe's pipeline can fail when its first command does.
SHELL   := /bin/bash
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BIN     := bin/server

.PHONY: run build test fuzz test-browser bench generate check-generated lint graphiql clean

## run: build and start the server on :8080 with a working database
run: build
	exec ./$(BIN) serve

## build: compile the server into bin/server
build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) .

# gotestsum (pinned in go.mod as a tool) runs `go test` and prints a line per
# package as it finishes, then the skipped and failed tests with their
# output and a closing "DONE N tests[, M skipped][, K failures] in Ts" line;
# its exit status is go test's. TESTFORMAT=standard-verbose prints go test -v's output.
TESTFORMAT ?= pkgname

## test: run every test against a real PostgreSQL (a line per package, then a summary), then a short run of each fuzz target
test:
	$(GO) tool gotestsum --format $(TESTFORMAT) --format-hide-empty-pkg -- -count=1 ./...
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$${FUZZTIME:-10000x}

# Fuzz targets as package:function; each gets FUZZTIME of its own. make test
# counts executions (10000x) rather than seconds: with a duration, Go 1.26's
# fuzz coordinator can report "context deadline exceeded" as a failure when
# the time runs out mid-input (golang/go#75804, fixed in Go 1.27).
FUZZ_TARGETS := ./graph:FuzzGraphQLRequest ./graph:FuzzRawBody \
	./graph/model:FuzzDecodeID ./graph/model:FuzzDate ./graph/model:FuzzMoney ./graph/model:FuzzText \
	./internal/page:FuzzCursor ./internal/page:FuzzCursorRoundTrip \
	./internal/news:FuzzSlug ./internal/news:FuzzRenderMarkdown
FUZZTIME ?= 1m

## fuzz: fuzz every parser of user input and the GraphQL endpoint (FUZZTIME each, default 1m; e.g. make fuzz FUZZTIME=30m)
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; fn=$${t##*:}; echo "== fuzz $$fn ($$pkg, $(FUZZTIME))"; \
		set -o pipefail; \
		$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) $$pkg 2>&1 | { grep -v -e '^fuzz: elapsed' -e 'testdbconf:' || true; } || exit 1; \
	done

## test-browser: the printable report, GraphiQL and a cross-origin dashboard in headless Chromium, and the Word and Excel exports in LibreOffice (apt-get install chromium libreoffice-writer-nogui libreoffice-calc-nogui)
test-browser:
	@command -v $${CHROMIUM:-/usr/bin/chromium} >/dev/null || { echo "Chromium is missing: apt-get install chromium (or set CHROMIUM=/path/to/chromium)"; exit 1; }
	@command -v $${SOFFICE:-soffice} >/dev/null || { echo "LibreOffice is missing: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui (or set SOFFICE=/path/to/soffice)"; exit 1; }
	$(GO) test -count=1 -tags browser -run 'Chromium|LibreOffice' ./internal/report/render ./internal/httpserver

## bench: Go benchmarks, the dashboard queries over HTTP on a generated province in its own database
## (sodoan_bench, made on first use; results also in bench-results.txt) beside PostGraphile 5 on the same
## database (bench/postgraphile, npm ci on first use) in alternating rounds, then every report section and
## the writes the kept figures cost, at 100,000 members and at 1,000,000 (sodoan_bench_1m, kept for
## reuse; its first build takes about a quarter of an hour), and the executed plan of every statement
## behind those reads at 1,000,000 members (bench-plans.txt). Takes half an hour once the data exists.
bench: build
	$(GO) test -run '^$$' -bench . -benchtime 10x ./...
	DATABASE_NAME=$${BENCH_DATABASE_NAME:-sodoan_bench} DEMO_DATA=off LOG_LEVEL=warn ./$(BIN) loadbench --members $${BENCH_MEMBERS:-100000} --peer bench/postgraphile
	DATABASE_NAME=$${BENCH_DATABASE_NAME:-sodoan_bench} DEMO_DATA=off LOG_LEVEL=warn ./$(BIN) reportbench --members $${BENCH_MEMBERS:-100000}
	DATABASE_NAME=$${BENCH_1M_DATABASE_NAME:-sodoan_bench_1m} DEMO_DATA=off LOG_LEVEL=warn ./$(BIN) reportbench --members 1000000 --runs 3
	DATABASE_NAME=$${BENCH_1M_DATABASE_NAME:-sodoan_bench_1m} DEMO_DATA=off LOG_LEVEL=warn ./$(BIN) planbench --members 1000000 --out bench-plans.txt

## generate: regenerate gqlgen's code from graph/*.graphqls (lists of plain data marshalled in turn: internal/tools/seqlists), and schema.graphql (the SDL frontend tools read)
generate:
	$(GO) tool gqlgen generate
	$(GO) run ./internal/tools/seqlists graph/generated.go graph/concurrent_gen.go
	$(GO) run . schema > schema.graphql.tmp && mv schema.graphql.tmp schema.graphql

## check-generated: fail if the committed generated code is out of date
check-generated: generate
	@changed=$$(git status --porcelain -- graph schema.graphql); \
	if [ -n "$$changed" ]; then echo "generated code differs from the commit (run 'make generate' and commit):"; echo "$$changed"; git diff --stat -- graph schema.graphql; exit 1; fi

## lint: fail on unformatted code, go vet or staticcheck findings, or unreachable functions (staticcheck and deadcode are pinned in go.mod as tools)
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags browser ./internal/report/render ./internal/httpserver
	$(GO) tool staticcheck ./...
	$(GO) tool staticcheck -tags browser ./internal/report/render ./internal/httpserver
	@dead=$$($(GO) tool deadcode -test ./...); \
	if [ -n "$$dead" ]; then echo "unreachable functions (deadcode -test):"; echo "$$dead"; exit 1; fi

# GraphiQL's files are served from the binary (internal/graphiql/assets), so
# the page works offline. Bump these and run `make graphiql` to update them.
GRAPHIQL_VERSION ?= 4.1.2
REACT_VERSION    ?= 18.3.1
GRAPHQL_VERSION  ?= 16.11.0
GRAPHIQL_ASSETS  := internal/graphiql/assets

## graphiql: fetch GraphiQL $(GRAPHIQL_VERSION) and React $(REACT_VERSION) from npm into $(GRAPHIQL_ASSETS) (commit the result)
graphiql:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	( cd "$$tmp" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts --save-exact \
		graphiql@$(GRAPHIQL_VERSION) react@$(REACT_VERSION) react-dom@$(REACT_VERSION) graphql@$(GRAPHQL_VERSION) >/dev/null ); \
	m="$$tmp/node_modules"; \
	cp "$$m/graphiql/graphiql.min.js" "$$m/graphiql/graphiql.min.css" \
		"$$m/react/umd/react.production.min.js" "$$m/react-dom/umd/react-dom.production.min.js" $(GRAPHIQL_ASSETS)/; \
	sed -i '/^\/\/# sourceMappingURL=/d' $(GRAPHIQL_ASSETS)/graphiql.min.js; \
	{ echo "Third-party files in this folder, from npm (make graphiql):"; \
	  for p in graphiql react react-dom; do \
		echo; echo "== $$p $$(node -p "require('$$m/$$p/package.json').version") ($$(node -p "require('$$m/$$p/package.json').license"))"; \
		cat "$$m/$$p/LICENSE"; done; } > $(GRAPHIQL_ASSETS)/THIRD_PARTY_LICENSES.txt; \
	ls -l $(GRAPHIQL_ASSETS)

clean:
	rm -rf bin
