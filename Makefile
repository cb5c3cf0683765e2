# The Makefile mirrors CI (.ci/run). Quick start: make demo, make test.
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -s -w -X main.version=$(VERSION)
BIN         := $(CURDIR)/bin/ome-preflight
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.1.4
FUZZTIME    ?= 30s
BENCHTIME   ?= 1s

.PHONY: build test lint vuln demo golden fuzz bench cover clean dist

build:
	go build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

test:
	go vet ./...
	go test -race ./...

lint:
	go vet ./...
	go run $(STATICCHECK) ./...

# vuln runs govulncheck; it needs vuln.go.dev. Where that is unreachable
# (this sandbox) it says so loudly instead of failing; found vulnerabilities
# (exit 3) and other errors still fail.
vuln:
	@out=$$(go run $(GOVULNCHECK) ./... 2>&1); rc=$$?; echo "$$out"; \
	if [ $$rc -eq 1 ] && echo "$$out" | grep -q "fetching vulnerabilities"; then \
	  echo "govulncheck: NOT CHECKED: the vulnerability database (vuln.go.dev) is unreachable from this machine"; exit 0; fi; \
	exit $$rc

# demo writes the lab to a temporary folder and shows check and compare on
# passing and failing inputs (the failing ones exit 1, as they should).
demo: build
	@lab=$$(mktemp -d); \
	$(BIN) fixtures write $$lab/lab; echo; \
	echo "\$$ ome-preflight check --csr appliance.csr chain.pem   # lab/csr-match"; \
	(cd $$lab/lab/csr-match && $(BIN) check --csr appliance.csr chain.pem); echo "exit code $$?"; echo; \
	echo "\$$ ome-preflight check chain.pem   # lab/server-auth-only"; \
	(cd $$lab/lab/server-auth-only && $(BIN) check chain.pem); echo "exit code $$?"; echo; \
	echo "\$$ ome-preflight check chain.p7b   # lab/pkcs7-der (a Windows .p7b)"; \
	(cd $$lab/lab/pkcs7-der && $(BIN) check chain.p7b); echo "exit code $$?"; echo; \
	echo "\$$ ome-preflight compare --window 4h source.pem target.pem   # lab/good-pair"; \
	(cd $$lab/lab/good-pair && $(BIN) compare --window 4h source.pem target.pem); echo "exit code $$?"; echo; \
	echo "\$$ ome-preflight compare source.pem target.pem   # lab/different-intermediates (the KB's invalid example)"; \
	(cd $$lab/lab/different-intermediates && $(BIN) compare source.pem target.pem); echo "exit code $$?"; echo; \
	cd $$lab/lab/good-pair; \
	$(BIN) mock --chain source.pem --key source.key --listen 127.0.0.1:18443 --client-auth none --ome-version 3.10.2 2>/dev/null & s=$$!; \
	$(BIN) mock --chain target.pem --key target.key --listen 127.0.0.1:18444 --client-auth none --clock-offset 2m 2>/dev/null & t=$$!; \
	sleep 1; \
	echo "\$$ ome-preflight probe --source 127.0.0.1:18443 --target 127.0.0.1:18444 --source-chain source.pem --target-chain target.pem --client-cert standin.pem --client-key standin.key   # two mocks from lab/good-pair"; \
	$(BIN) probe --source 127.0.0.1:18443 --target 127.0.0.1:18444 --source-chain source.pem --target-chain target.pem --client-cert standin.pem --client-key standin.key; echo "exit code $$?"; \
	kill $$s $$t; wait $$s $$t 2>/dev/null; true

golden:
	go test . -run 'TestScenarios|TestReadmeRulesTable|TestReadmeExamples' -update

# fuzz runs every fuzz target for FUZZTIME each (seed corpora come from the
# fixtures and the reference texts).
FUZZ_TARGETS := ./chain:FuzzParse ./chain:FuzzParseCSR ./chain:FuzzPKCS7 ./chain:FuzzPKCS12 \
	./pairing:FuzzExplain ./probe:FuzzOMEJSON .:FuzzInventory
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
	  go test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 5s || exit 1; \
	done

bench: build
	go test ./pairing -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count 5
	scripts/bench.sh $(BIN) 31
	go test -c -o bin/ome-preflight.test .
	bin/ome-preflight.test -test.run '^$$' -test.bench 'Probe1$$|Probe50$$' -test.benchtime 3x
	@if [ -x /usr/bin/time ]; then /usr/bin/time -f "peak RSS %M KiB (100 pairs, 200 mocks, one process)" \
	  bin/ome-preflight.test -test.run '^$$' -test.bench 'Probe100' -test.benchtime 3x; \
	else bin/ome-preflight.test -test.run '^$$' -test.bench 'Probe100' -test.benchtime 3x; fi

cover:
	go test -coverprofile=cover.out ./... && go tool cover -func=cover.out | tail -1

# dist: static binaries for linux, windows and darwin on amd64 and arm64,
# completion scripts and the man page, with SHA256SUMS.
PLATFORMS := linux/amd64 linux/arm64 windows/amd64 windows/arm64 darwin/amd64 darwin/arm64
dist:
	rm -rf dist && mkdir -p dist
	@for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
	  echo "building $$os/$$arch"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch go build -trimpath -ldflags '$(LDFLAGS)' -o dist/ome-preflight_$(VERSION)_$${os}_$${arch}$$ext . || exit 1; \
	done
	go run . completion bash > dist/ome-preflight.bash
	go run . completion zsh > dist/_ome-preflight
	go run -ldflags '$(LDFLAGS)' . man > dist/ome-preflight.1
	cd dist && sha256sum * > SHA256SUMS
	@echo "dist/: $$(ls dist | wc -l) files; see dist/SHA256SUMS"

clean:
	rm -rf bin dist cover.out
