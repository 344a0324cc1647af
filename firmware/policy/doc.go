// Package policy holds the entry rules as data: which vaccination, recovery
// or test statements admit a holder, and which outcomes are amber rather than
// red. A Policy is read from JSON (later delivered signed through sync) and
// evaluated against an authenticated pass on an explicit clock, so tests run
// on fixed time.
package policy
