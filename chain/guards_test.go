package chain

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// derLen encodes a definite length.
func derLen(n int) []byte {
	if n < 0x80 {
		return []byte{byte(n)}
	}
	var b []byte
	for ; n > 0; n >>= 8 {
		b = append([]byte{byte(n)}, b...)
	}
	return append([]byte{0x80 | byte(len(b))}, b...)
}

func tlv(tag byte, content []byte) []byte {
	return append(append([]byte{tag}, derLen(len(content))...), content...)
}

// deepPKCS7 is the file: a DER ContentInfo for signedData whose
// content is n nested indefinite-length SEQUENCEs.
func deepPKCS7(n int) []byte {
	inner := append(bytes.Repeat([]byte{0x30, 0x80}, n), make([]byte, 2*n)...)
	oid, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2})
	return tlv(0x30, append(oid, tlv(0xa0, inner)...))
}

// A 10 MB PKCS#7 of 2.6 million nested SEQUENCEs is refused before the
// third-party parser recurses into it (which overflowed the stack: a fatal
// error no recover() catches).
func TestDeepPKCS7Refused(t *testing.T) {
	data := deepPKCS7(2_600_000)
	if len(data) > MaxFileSize {
		t.Fatalf("%d bytes: over the size limit, not the case", len(data))
	}
	start := time.Now()
	_, err := Parse("deep.p7b", data, Options{})
	if err == nil || !errors.Is(err, ErrTooDeep) {
		t.Fatalf("err %v, want ErrTooDeep", err)
	}
	t.Logf("refused in %s: %v", time.Since(start), err)
	// Shallow nesting inside an OCTET STRING counts too.
	oct := tlv(0x04, append(bytes.Repeat([]byte{0x30, 0x80}, 100), make([]byte, 200)...))
	if err := berNestingOK(tlv(0x30, oct), maxBERDepth); !errors.Is(err, ErrTooDeep) {
		t.Errorf("nesting inside an OCTET STRING: %v", err)
	}
	// A real bundle passes.
	if err := berNestingOK(deepPKCS7(10), maxBERDepth); err != nil {
		t.Errorf("10 levels: %v", err)
	}
}

// The PKCS#12 iteration guard reads a salt as go-pkcs12 does, by tag number
// alone: a salt tagged [4] (context class) hid a 20 million count.
func TestPBEGuardSaltAnyClass(t *testing.T) {
	iter := func(n int64) []byte { b, _ := asn1.Marshal(big.NewInt(n)); return b }
	for _, salt := range []struct {
		name string
		tag  byte
	}{{"OCTET STRING", 0x04}, {"[4] primitive", 0x84}, {"APPLICATION 4", 0x44}} {
		params := tlv(0x30, append(tlv(salt.tag, []byte("saltsalt")), iter(20_000_000)...))
		if err := pbeIterationsOK(tlv(0x30, params)); !errors.Is(err, ErrUnsupportedPFX) {
			t.Errorf("salt %s: %v, want the count refused", salt.name, err)
		}
		ok := tlv(0x30, append(tlv(salt.tag, []byte("saltsalt")), iter(2048)...))
		if err := pbeIterationsOK(tlv(0x30, ok)); err != nil {
			t.Errorf("salt %s with 2048 iterations: %v", salt.name, err)
		}
	}
}

// ReadLimited judges the descriptor it opened, not a name looked at
// before: devices and pipes are refused without blocking, a file whose
// size the file system reports as 0 (procfs) is still read whole, and a
// missing file is named.
func TestReadLimitedJudgesWhatItOpened(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses /dev/zero and /proc")
	}
	for _, dev := range []string{"/dev/zero", "/dev/null"} {
		if _, err := ReadLimited(dev); err == nil || !strings.Contains(err.Error(), "not a regular file") || !strings.Contains(err.Error(), dev) {
			t.Errorf("%s: %v; want a refusal naming it", dev, err)
		}
	}
	data, err := ReadLimited("/proc/self/status")
	if err != nil || !bytes.Contains(data, []byte("Name:")) {
		t.Errorf("/proc/self/status: %d bytes, %v", len(data), err)
	}
	missing := filepath.Join(t.TempDir(), "missing.pem")
	if _, err := ReadLimited(missing); err == nil || !strings.Contains(err.Error(), "missing.pem") || !errors.Is(err, ErrUnreadable) {
		t.Errorf("missing file: %v", err)
	}
	big := filepath.Join(t.TempDir(), "big.pem")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadLimited(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a file over the limit: %v", err)
	}
}
