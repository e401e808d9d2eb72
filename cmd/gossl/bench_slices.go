package main

import (
	"fmt"
	"runtime"
	"time"
)

// Sliced rounds. Another program's load on the machine comes and goes
// over tens or hundreds of milliseconds; a side measured for a whole
// window, then the other side for the next, can each meet a different
// load. So, in a round, both sides' connections are set up first, and
// then measured in turn in short slices (gossl, crypto/tls, crypto/tls,
// gossl, ...): each side's figure for the round is its total over its
// slices, and both have met the same load, nearly. Between slices a
// meter comes to rest (a bulk meter waits until every byte written has
// been read), so that one side's work does not run in the other's
// slice, and a GC runs.

// meter measures one side of a sliced group for a round.
type meter interface {
	// slice measures for about d, adding to the meter's totals, and
	// returns once the meter has come to rest.
	slice(d time.Duration) error
	// result returns the group's row values from the totals.
	result() []float64
	// close releases the connections.
	close()
}

// slicedRound runs round i of a sliced group.
func (b *bench) slicedRound(g benchGroup, i int, gv, cv [][]float64, gerr, cerr *error) {
	type side struct {
		name string
		m    meter
		vals [][]float64
		err  *error
	}
	sides := []*side{{name: "gossl", vals: gv, err: gerr}, {name: "crypto/tls", vals: cv, err: cerr}}
	if g.naG == "" && *gerr == nil {
		sides[0].m, *gerr = g.newG()
	}
	if g.naC == "" && *cerr == nil {
		sides[1].m, *cerr = g.newC()
	}
	defer func() {
		for _, sd := range sides {
			if sd.m != nil {
				sd.m.close()
			}
		}
	}()
	for s := 0; s < b.cfg.slices; s++ {
		order := sides
		if (i+s)%2 == 1 {
			order = []*side{sides[1], sides[0]}
		}
		for _, sd := range order {
			if sd.m == nil || *sd.err != nil {
				continue
			}
			runtime.GC()
			*sd.err = sd.m.slice(g.sliceDur)
		}
	}
	for _, sd := range sides {
		if sd.m == nil || *sd.err != nil {
			continue
		}
		v := sd.m.result()
		if b.verbose != nil {
			fmt.Fprintf(b.verbose, "%s\t%s\t%v\n", g.names[0], sd.name, v)
		}
		for j := range v {
			sd.vals[j] = append(sd.vals[j], v[j])
		}
	}
}
