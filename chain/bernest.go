package chain

import (
	"errors"
	"fmt"
)

// maxBERDepth bounds the nesting of a PKCS#7 bundle before it reaches the
// third-party parser, whose BER-to-DER conversion recurses once per level
// with no limit: 2.6 million nested indefinite-length SEQUENCEs (10 MB)
// overflow the goroutine stack, a fatal error recover() cannot catch. Real
// bundles nest about 10 levels.
const maxBERDepth = 64

// ErrTooDeep is returned for ASN.1 nested beyond maxBERDepth.
var ErrTooDeep = errors.New("ASN.1 nested too deeply")

// berNestingOK walks BER/DER headers iteratively (no recursion on the
// structure itself) and refuses nesting deeper than max, counting the
// encapsulated content of OCTET STRINGs too. Malformed input is left for the
// parser to refuse.
func berNestingOK(b []byte, max int) error {
	if max <= 0 {
		return fmt.Errorf("%w (more than %d levels)", ErrTooDeep, maxBERDepth)
	}
	var stack []int // end offset of each open constructed element; -1: indefinite
	i := 0
	for i < len(b) {
		for len(stack) > 0 && stack[len(stack)-1] >= 0 && i >= stack[len(stack)-1] {
			stack = stack[:len(stack)-1]
		}
		if i+1 < len(b) && b[i] == 0 && b[i+1] == 0 {
			if len(stack) > 0 && stack[len(stack)-1] < 0 {
				stack = stack[:len(stack)-1]
			}
			i += 2
			continue
		}
		tag := b[i]
		i++
		if tag&0x1f == 0x1f {
			for i < len(b) && b[i]&0x80 != 0 {
				i++
			}
			i++
		}
		if i >= len(b) {
			return nil
		}
		l := int(b[i])
		i++
		n := l
		switch {
		case l == 0x80:
			n = -1
		case l > 0x80:
			k := l & 0x7f
			if k > 4 || i+k > len(b) {
				return nil
			}
			n = 0
			for j := 0; j < k; j++ {
				n = n<<8 | int(b[i+j])
			}
			i += k
		}
		if tag&0x20 != 0 {
			end := -1
			if n >= 0 {
				end = i + n
			}
			stack = append(stack, end)
			if len(stack) > max {
				return fmt.Errorf("%w (more than %d levels)", ErrTooDeep, maxBERDepth)
			}
			continue
		}
		if n < 0 || i+n > len(b) {
			return nil
		}
		if tag == 0x04 && n > 0 && b[i]&0x20 != 0 {
			// An OCTET STRING that encapsulates more ASN.1.
			if err := berNestingOK(b[i:i+n], max-len(stack)-1); err != nil {
				return err
			}
		}
		i += n
	}
	return nil
}
