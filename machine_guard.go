package ssl

import (
	"fmt"
	"runtime/debug"

	"github.com/gossl/ssl/internal/alert"
	"github.com/gossl/ssl/internal/handshake"
)

// A panic in a handshake machine is a bug, and the peer's bytes may be
// what reaches it: it must end that connection, with internal_error sent
// to the peer (RFC 8446, 6.2; RFC 5246, 7.2.2), and never the process
// with every other connection in it. Every call of a machine's steps
// (Start, HandleMessage, HandleChangeCipherSpec, Prepare) by the driver,
// for the first handshake and for a renegotiation, goes through these
// guards. The machine is not used again after one panicked: the error
// ends the handshake and the connection.

// machinePanic is the cause of the internal_error alert a panic in a
// handshake machine turns into (errors.As on the handshake's error
// finds it): the panic's value and the stack where it happened, for a
// bug report. The peer only gets the alert.
type machinePanic struct {
	Value any
	Stack []byte
}

func (p *machinePanic) Error() string { return fmt.Sprintf("handshake machine panicked: %v", p.Value) }

// recoverMachine, deferred by a guard, turns a panic into the step's
// internal_error.
func recoverMachine(acts *[]handshake.Action, err *error) {
	r := recover()
	if r == nil {
		return
	}
	p := &machinePanic{Value: r, Stack: debug.Stack()}
	*acts = nil
	*err = &alert.Error{Desc: alert.InternalError, Reason: p.Error(), Err: p}
}

// machineStep runs a step that takes no input (Start,
// HandleChangeCipherSpec) under the guard.
func machineStep(step func() ([]handshake.Action, error)) (acts []handshake.Action, err error) {
	defer recoverMachine(&acts, &err)
	return step()
}

// machineMessage is m.HandleMessage(msg) under the guard.
func machineMessage(m handshake.Machine, msg []byte) (acts []handshake.Action, err error) {
	defer recoverMachine(&acts, &err)
	if testStepHook != nil {
		testStepHook(m, msg)
	}
	return m.HandleMessage(msg)
}

// machinePrepare is m.Prepare() under the guard.
func machinePrepare(m handshake.Machine) (err error) {
	var acts []handshake.Action
	defer recoverMachine(&acts, &err)
	m.Prepare()
	return nil
}

// testStepHook, set by tests only, runs in machineMessage's guard just
// before the machine takes msg: a test panics there to stand for a bug in
// the machine. It is read without synchronisation: a test sets it before
// it starts connections and resets it after they end.
var testStepHook func(m handshake.Machine, msg []byte)
