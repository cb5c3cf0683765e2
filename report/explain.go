package report

// ExplainEntry is one OME error found in a log or pasted JSON: the same
// error (MessageId, MessageArgs, related properties, rule, cause and fix)
// repeated is one entry with a count.
type ExplainEntry struct {
	// Line and Time are the first occurrence's.
	Line           int      `json:"line"`
	Time           string   `json:"time"`
	OMEMessageID   string   `json:"ome_message_id"`
	OMEMessageArgs []string `json:"ome_message_args"`
	Rule           string   `json:"rule"`
	Known          bool     `json:"known"`
	Cause          string   `json:"cause"`
	Fix            string   `json:"fix"`
	// RelatedProperties are the request properties OME names (CGEN1004).
	RelatedProperties []string `json:"related_properties,omitempty"`
	// Context is where OME logged it (first occurrence), e.g.
	// "SSLController - uploadNewCertificateChain()".
	Context string `json:"context,omitempty"`
	// Count is how many times the error was found; LastLine and LastTime
	// are its last occurrence's (Line and Time when it was found once).
	Count    int    `json:"count"`
	LastLine int    `json:"last_line"`
	LastTime string `json:"last_time"`
}

// ExplainReport is `explain`'s report.
type ExplainReport struct {
	SchemaVersion int    `json:"schema_version"`
	Command       string `json:"command"`
	File          string `json:"file"`
	// Encoding is set when the log was not UTF-8 ("utf-16le", "utf-16be").
	Encoding string         `json:"encoding,omitempty"`
	Entries  []ExplainEntry `json:"entries"`
	// OmittedEntries counts the distinct errors found after the report
	// held MaxExplainEntries (counted up to MaxExplainOmittedDistinct);
	// OmittedOccurrences counts every error message found but not listed:
	// theirs, and those past MaxExplainMessagesPerEntry in one log entry.
	OmittedEntries     int `json:"omitted_entries"`
	OmittedOccurrences int `json:"omitted_occurrences"`
	// Notes say what was not read in full: lines cut, entries cut, log
	// entries with more messages than are decoded (at most MaxExplainNotes).
	Notes []string `json:"notes,omitempty"`
}

// explain's bounds: the work and the report stay the same size however
// long or repetitive the log is.
const (
	// MaxExplainEntries bounds the distinct errors a report lists.
	MaxExplainEntries = 1000
	// MaxExplainMessagesPerEntry bounds the OME messages explained from
	// one log entry (one JSON body can hold any number).
	MaxExplainMessagesPerEntry = 100
	// MaxExplainOmittedDistinct bounds the count of distinct errors
	// omitted (their hashes are kept to count them).
	MaxExplainOmittedDistinct = 1 << 16
	// MaxExplainNotes bounds the notes; the last one says how many more.
	MaxExplainNotes = 100
)
