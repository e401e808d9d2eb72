package testpeers_test

import (
	"testing"

	"github.com/gossl/ssl/internal/testpeers"
)

// TestMain removes the certificates and scripts the helpers wrote.
func TestMain(m *testing.M) { testpeers.Main(m) }
