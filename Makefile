# The Makefile mirrors CI (.ci/run). Quick start: make demo, make test.
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -s -w -X main.version=$(VERSION)
BIN         := $(CURDIR)/bin/ome-preflight
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME    ?= 30s
BENCHTIME   ?= 1s

.PHONY: build test lint demo golden fuzz bench cover clean

build:
	go build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

test:
	go vet ./...
	go test -race ./...

lint:
	go vet ./...
	go run $(STATICCHECK) ./...

# demo writes the lab to a temporary folder and shows check and compare on
# passing and failing inputs (the failing ones exit 1, as they should).
demo: build
	@lab=$$(mktemp -d); \
	$(BIN) fixtures write $$lab/lab; \
	echo "lab written to $$lab/lab (see its README.md)"; echo; \
	echo "\$$ ome-preflight check --csr appliance.csr chain.pem   # lab/csr-match"; \
	(cd $$lab/lab/csr-match && $(BIN) check --csr appliance.csr chain.pem); echo "exit code $$?"; echo; \
	echo "\$$ ome-preflight check chain.pem   # lab/server-auth-only"; \
	(cd $$lab/lab/server-auth-only && $(BIN) check chain.pem); echo "exit code $$?"; echo; \
	echo "\$$ ome-preflight check chain.p7b   # lab/pkcs7-der (a Windows .p7b)"; \
	(cd $$lab/lab/pkcs7-der && $(BIN) check chain.p7b); echo "exit code $$?"; echo; \
	echo "\$$ ome-preflight compare --window 4h source.pem target.pem   # lab/good-pair"; \
	(cd $$lab/lab/good-pair && $(BIN) compare --window 4h source.pem target.pem); echo "exit code $$?"; echo; \
	echo "\$$ ome-preflight compare source.pem target.pem   # lab/different-intermediates (the KB's invalid example)"; \
	(cd $$lab/lab/different-intermediates && $(BIN) compare source.pem target.pem); echo "exit code $$?"

golden:
	go test . -run 'TestScenarios|TestReadmeRulesTable' -update

fuzz:
	go test ./chain -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	go test ./chain -run '^$$' -fuzz '^FuzzParseCSR$$' -fuzztime $(FUZZTIME)

bench: build
	go test ./pairing -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count 5
	scripts/bench.sh $(BIN) 31

cover:
	go test -coverprofile=cover.out ./... && go tool cover -func=cover.out | tail -1

clean:
	rm -rf bin cover.out
