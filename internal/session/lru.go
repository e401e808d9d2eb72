package session

import (
	"container/list"
	"strings"
	"sync"
)

// serverLRU maps server keys (host, port, SNI and the options that
// matter) to a value, for at most size servers, least recently used first
// out: the shape of both client caches (ClientSessions, ClientCache).
// Callers hold mu around every method.
type serverLRU[V any] struct {
	mu    sync.Mutex
	size  int
	order *list.List // of string keys, most recent at front
	items map[string]*lruEntry[V]
}

type lruEntry[V any] struct {
	elem *list.Element
	val  V
}

func newServerLRU[V any](size int) serverLRU[V] {
	return serverLRU[V]{size: size, order: list.New(), items: map[string]*lruEntry[V]{}}
}

// use returns key's entry, made if there is none (pushing the least
// recently used server out when full), as the most recently used.
func (l *serverLRU[V]) use(key string) *lruEntry[V] {
	e := l.items[key]
	if e != nil {
		l.order.MoveToFront(e.elem)
		return e
	}
	e = &lruEntry[V]{elem: l.order.PushFront(key)}
	l.items[key] = e
	for l.order.Len() > l.size {
		last := l.order.Back()
		delete(l.items, last.Value.(string))
		l.order.Remove(last)
	}
	return e
}

// remove drops key's entry.
func (l *serverLRU[V]) remove(key string, e *lruEntry[V]) {
	l.order.Remove(e.elem)
	delete(l.items, key)
}

// forget drops the entries of every key that starts with prefix (tests
// use it: a server that reuses a port number must not find a session or
// ticket that another server made).
func (l *serverLRU[V]) forget(prefix string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, e := range l.items {
		if strings.HasPrefix(k, prefix) {
			l.remove(k, e)
		}
	}
}
