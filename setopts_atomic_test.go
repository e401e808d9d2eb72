package ssl

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"
)

// TestSetoptsAllOrNothing: an invalid option anywhere in a setopts list
// leaves every option of the list unset, gossl's own and the transport's,
// as Erlang's setopts does.
func TestSetoptsAllOrNothing(t *testing.T) {
	so, co := modelOpts(t)
	_, s := pair(t, so, co)
	names := []string{"active", "mode", "packet", "packet_size", "header", "send_timeout", "delay_send", "exit_on_close", "nodelay"}
	before, err := s.Getopts(names...)
	if err != nil {
		t.Fatal(err)
	}
	for _, list := range [][]SockOpt{
		{{"packet", 2}, {"packet", "bogus"}},
		{{"mode", "list"}, {"header", -1}},
		{{"active", true}, {"send_timeout", "soon"}},
		{{"active", 3}, {"exit_on_close", "no"}},
		{{"delay_send", true}, {"packet_size", "big"}},
		{{"nodelay", false}, {"mode", "text"}},
		{{"exit_on_close", false}, {"nodelay", "yes"}},
		{{"header", 2}, {"no_such_option", 1}},
	} {
		err := s.Setopts(list...)
		var oe *OptionError
		if !errors.As(err, &oe) {
			t.Fatalf("Setopts%v: %v, want an OptionError", list, err)
		}
		after, err := s.Getopts(names...)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(after, before) {
			t.Fatalf("Setopts%v failed but changed the options:\n%v\nto\n%v", list, before, after)
		}
	}
	// A valid list applies as a whole.
	if err := s.Setopts(SockOpt{"packet", 2}, SockOpt{"exit_on_close", false}, SockOpt{"nodelay", true}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Getopts("packet", "exit_on_close", "nodelay"); !reflect.DeepEqual(got, []SockOpt{{"packet", 2}, {"exit_on_close", false}, {"nodelay", true}}) {
		t.Fatalf("after a valid list: %v", got)
	}
}

// TestSetoptsActiveSequence: {active, 5} followed by {active, -4} in one
// list is {active, 1}: with packets waiting, exactly one is delivered,
// then SSLPassive, and the others stay for Recv. Applied one at a time,
// the reader could deliver up to five in between.
func TestSetoptsActiveSequence(t *testing.T) {
	checkGoroutines(t)
	so, co := modelOpts(t)
	so.Packet, co.Packet = 1, 1
	c, s := pair(t, so, co)
	const rounds = 50
	for i := 0; i < 5*rounds; i++ {
		if err := c.Send([]byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	// All of them in before the first round.
	if got, err := s.Recv(0, 5*time.Second); err != nil || !bytes.Equal(got, []byte{0}) {
		t.Fatalf("Recv: %v %v", got, err)
	}
	next := 1
	for r := 0; r < rounds-1; r++ {
		if err := s.Setopts(SockOpt{"active", 5}, SockOpt{"active", -4}); err != nil {
			t.Fatal(err)
		}
		if got := dataOf(t, recvMsg(t, s.Messages())); !bytes.Equal(got, []byte{byte(next)}) {
			t.Fatalf("round %d: got %v, want %d", r, got, next)
		}
		next++
		if m := recvMsg(t, s.Messages()); m != (SSLPassive{s}) {
			t.Fatalf("round %d: got %#v, want SSLPassive after one packet", r, m)
		}
		// What the reader had already taken goes back for Recv.
		for k := 0; k < 4; k++ {
			got, err := s.Recv(0, 5*time.Second)
			if err != nil || !bytes.Equal(got, []byte{byte(next)}) {
				t.Fatalf("round %d: Recv %v %v, want %d", r, got, err, next)
			}
			next++
		}
	}
}
