# Sổ Đoàn: the two commands a newcomer needs are `make run` and `make test`.

GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BIN     := bin/server

.PHONY: run build test generate check-generated lint clean

## run: build and start the server on :8080 with a working database
run: build
	exec ./$(BIN) serve

## build: compile the server into bin/server
build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) .

## test: run every test against a real PostgreSQL
test:
	$(GO) test -count=1 ./...

## generate: regenerate gqlgen's code from graph/*.graphqls
generate:
	$(GO) tool gqlgen generate

## check-generated: fail if the committed generated code is out of date
check-generated: generate
	@changed=$$(git status --porcelain -- graph); \
	if [ -n "$$changed" ]; then echo "generated code differs from the commit (run 'make generate' and commit):"; echo "$$changed"; git diff --stat -- graph; exit 1; fi

## lint: fail on unformatted code or go vet findings
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf bin
