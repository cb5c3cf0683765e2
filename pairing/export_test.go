package pairing

// The shared test PKI and clock (testpki_test.go), for the external tests
// in package pairing_test.
var (
	TestClock = testClock
	LabPKI    = labPKI
	LabInput  = labInput
)
