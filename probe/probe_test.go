package probe

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestSplitAddress(t *testing.T) {
	cases := []struct{ in, hostport, host string }{
		{"10.0.0.5", "10.0.0.5:443", "10.0.0.5"},
		{"10.0.0.5:8443", "10.0.0.5:8443", "10.0.0.5"},
		{"ome.example.com", "ome.example.com:443", "ome.example.com"},
		{"[fd00::6]:443", "[fd00::6]:443", "fd00::6"},
		{"[fd00::6]", "[fd00::6]:443", "fd00::6"},
		{"::1", "[::1]:443", "::1"},
	}
	for _, tc := range cases {
		hp, h, err := SplitAddress(tc.in)
		if err != nil || hp != tc.hostport || h != tc.host {
			t.Errorf("%q: %q %q %v, want %q %q", tc.in, hp, h, err, tc.hostport, tc.host)
		}
	}
	for _, bad := range []string{"", "host:0", "host:70000", ":443", "fd00::5::6", "host:abc"} {
		if _, _, err := SplitAddress(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// FuzzOMEJSON: no API response body panics the readers.
func FuzzOMEJSON(f *testing.F) {
	f.Add([]byte(`{"error":{"@Message.ExtendedInfo":[{"MessageId":"CGEN1001","Message":"x"}]}}`))
	f.Add([]byte(`{"UtcTime":"2023-08-05 09:51:38.518","EnableNTP":false}`))
	f.Add([]byte(`["172.1.1.1/24","www.*.com",null,3]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		omeError(body)
		var v any
		if json.Unmarshal(body, &v) == nil {
			exclusionList(v)
		}
		var tc timeConfig
		if json.Unmarshal(body, &tc) == nil {
			for _, layout := range []string{utcLayout, "2006-01-02 15:04:05", time.RFC3339Nano} {
				if _, err := time.Parse(layout, tc.UtcTime); err == nil {
					break
				}
			}
		}
		rdnString(body)
	})
}

// An appliance's error message is kept with its MessageId, bounded.
func TestOMEErrorBounded(t *testing.T) {
	long := strings.Repeat("é", 5000)
	id, text := omeError([]byte(`{"error":{"@Message.ExtendedInfo":[{"MessageId":"CGEN1001","Message":"` + long + `"}]}}`))
	if id != "CGEN1001" || !strings.HasPrefix(text, " CGEN1001: éé") || utf8.RuneCountInString(text) > maxOMEMessage+len(" CGEN1001: ")+1 || !strings.HasSuffix(text, "…") {
		t.Errorf("id %q, text of %d runes; want CGEN1001 and at most %d runes of message", id, utf8.RuneCountInString(text), maxOMEMessage)
	}
	if _, text := omeError([]byte(`{"error":{"@Message.ExtendedInfo":[{"MessageId":"CGEN1001","Message":"short"}]}}`)); text != " CGEN1001: short" {
		t.Errorf("short message: %q", text)
	}
}
