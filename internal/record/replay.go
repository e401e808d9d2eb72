package record

// ReplayWindow is the DTLS anti-replay window of RFC 6347, Section
// 4.1.2.6, 64 records wide (the size the RFC prefers). UDP may duplicate,
// reorder or replay datagrams, so a DTLS receiver accepts each sequence
// number of an epoch at most once and drops those too old to remember.
//
// The zero value is an empty window; Reset it at each new epoch, whose
// sequence numbers start again at zero.
type ReplayWindow struct {
	// top is the highest sequence number accepted; bit i of seen is set
	// when top-i has been accepted.
	top  uint64
	seen uint64
	any  bool // whether anything has been accepted yet
}

const replayWindowSize = 64

// Reset empties the window.
func (w *ReplayWindow) Reset() { *w = ReplayWindow{} }

// Check reports whether a record with sequence number seq may be
// processed: not seen before and not older than the window. It does not
// change the window, because RFC 6347, Section 4.1.2.6 updates it only
// after the record's MAC has verified; a forged record must not move it.
func (w *ReplayWindow) Check(seq uint64) bool {
	if !w.any || seq > w.top {
		return true
	}
	d := w.top - seq
	if d >= replayWindowSize {
		return false
	}
	return w.seen&(1<<d) == 0
}

// Accept records seq as received; call it once the record authenticated.
func (w *ReplayWindow) Accept(seq uint64) {
	if !w.any {
		w.any, w.top, w.seen = true, seq, 1
		return
	}
	if seq > w.top {
		shift := seq - w.top
		if shift >= replayWindowSize {
			w.seen = 0
		} else {
			w.seen <<= shift
		}
		w.seen |= 1
		w.top = seq
		return
	}
	if d := w.top - seq; d < replayWindowSize {
		w.seen |= 1 << d
	}
}

// Above reports whether seq is newer than every sequence number accepted
// so far (true before the first): RFC 9146, Section 6 lets only such a
// record move a DTLS peer to a new address.
func (w *ReplayWindow) Above(seq uint64) bool { return !w.any || seq > w.top }
