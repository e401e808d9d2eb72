//go:build race

package ssl

// raceEnabled: the race detector changes what the heap holds (sync.Pool
// drops objects at random, allocations carry shadow state), so heap
// figures are only logged.
const raceEnabled = true
