package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/publish"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// attackEnv is a kiosk synced to version 1 of a repository through an
// HTTP mirror, and the authority's version 2 (more revocations, a new red
// code), not yet on the mirror.
type attackEnv struct {
	a      *authority
	k      *kiosk
	m      *mirror
	v1, v2 string // copies of the repository at each version
	probe  []pass.ID
}

func newAttackEnv(t *testing.T, mod ...func(a *authority)) *attackEnv {
	t.Helper()
	a := newAuthority(t, 1, 1)
	for _, f := range mod {
		f(a)
	}
	e := &attackEnv{a: a, m: newMirror(t)}
	revs := testIDs(1, 100)
	a.publish(dataset(revs))
	e.v1 = filepath.Join(t.TempDir(), "v1")
	copyDir(t, a.dir, e.v1)
	e.serve(t, e.v1)
	e.k = newKiosk(t, a, e.m.srv.URL+"/repo")
	e.k.sync()

	a.clk.Advance(time.Hour)
	in := dataset(append(revs, testIDs(2, 20)...))
	in.Codes = append(in.Codes, store.CodeEntry{ID: testIDs(3, 1)[0], Code: pass.RedCode})
	a.publish(in)
	e.v2 = filepath.Join(t.TempDir(), "v2")
	copyDir(t, a.dir, e.v2)
	e.probe = []pass.ID{revs[0], testIDs(2, 1)[0], testIDs(3, 1)[0], testIDs(9, 1)[0]}
	return e
}

// serve puts a repository copy on the mirror, under /repo.
func (e *attackEnv) serve(t *testing.T, dir string) {
	t.Helper()
	if err := os.RemoveAll(e.m.dir); err != nil {
		t.Fatal(err)
	}
	copyDir(t, dir, filepath.Join(e.m.dir, "repo"))
}

// file is a path in the served repository.
func (e *attackEnv) file(name string) string {
	return filepath.Join(e.m.dir, "repo", filepath.FromSlash(name))
}

// target returns the served path of the current version of target name.
func (e *attackEnv) target(t *testing.T, name string) string {
	t.Helper()
	tf, ok := e.a.pub.Targets().Targets[name]
	if !ok {
		t.Fatalf("no target %s", name)
	}
	dir, base := filepath.Split(name)
	return e.file(filepath.Join("targets", dir, tf.Hashes["sha256"]+"."+base))
}

// republish is the way out of forged metadata signed with the online
// keys under the same version numbers as the real ones: kiosks keep the
// version they trust (TUF 5.4.3.1) until the authority signs newer ones.
func (e *attackEnv) republish(t *testing.T) func() {
	return func() {
		e.a.clk.Advance(time.Minute)
		e.a.publish(dataset(testIDs(1, 7)))
		e.serve(t, e.a.dir)
	}
}

// resign writes metadata for role signed by signers over the served copy.
func resign[T repo.Signed](t *testing.T, e *attackEnv, file, role string, edit func(T), signers ...*repo.Signer) []byte {
	t.Helper()
	b, err := os.ReadFile(e.file(file))
	if err != nil {
		t.Fatal(err)
	}
	m, err := repo.Parse[T](b, role)
	if err != nil {
		t.Fatal(err)
	}
	edit(m.Signed)
	out, err := repo.Sign(m.Signed, signers...)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.file(file), out, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// keysOf returns the authority's private keys for role.
func keysOf(t *testing.T, a *authority, role string) []*repo.Signer {
	t.Helper()
	kr, err := publish.LoadKeys(a.keys)
	if err != nil {
		t.Fatal(err)
	}
	var out []*repo.Signer
	for _, id := range a.pub.Root().Roles[role].KeyIDs {
		out = append(out, kr[id])
	}
	return out
}

func newSigner(t *testing.T, role string) *repo.Signer {
	s, _, err := publish.GenerateKey(t.TempDir(), role)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func metaOf(v int64, b []byte) repo.MetaFile {
	var mf repo.MetaFile
	mf.Version, mf.Length = v, int64(len(b))
	mf.Hashes = map[string]string{"sha256": sha(b)}
	return mf
}

func TestAttacks(t *testing.T) {
	for _, tc := range []struct {
		name string
		// attack changes what the mirror serves (v2 is on it) and returns
		// how to undo it, or nil when serving v2 again does.
		attack func(t *testing.T, e *attackEnv) (undo func())
		want   any // a pointer to the error type expected
		says   string
	}{
		{name: "rollback of the timestamp", want: new(*RollbackError), says: "timestamp", attack: func(t *testing.T, e *attackEnv) func() {
			e.k.sync() // the kiosk sees v2 …
			e.a.clk.Advance(time.Hour)
			e.a.publish(dataset(testIDs(1, 5))) // … the authority moves on to v3 …
			e.serve(t, e.v1)                    // … and the mirror serves v1.
			return func() { e.serve(t, e.a.dir) }
		}},
		{name: "rollback of a data set", want: new(*RollbackError), says: "revocations data set", attack: func(t *testing.T, e *attackEnv) func() {
			e.k.sync()
			// Someone with every online key lists revocations version 1
			// again under new metadata versions.
			old, err := repo.Parse[*repo.Targets](mustRead(t, filepath.Join(e.v1, "2.targets.json")), repo.RoleTargets)
			if err != nil {
				t.Fatal(err)
			}
			tb := resign(t, e, "3.targets.json", repo.RoleTargets, func(tg *repo.Targets) {
				tg.Version = 4
				tg.Targets[publish.FullTarget] = old.Signed.Targets[publish.FullTarget]
				delete(tg.Targets, "revocations/delta-2.bin")
			}, keysOf(t, e.a, repo.RoleTargets)...)
			os.WriteFile(e.file("4.targets.json"), tb, 0o644)
			copyDir(t, filepath.Join(e.v1, "targets"), filepath.Join(e.m.dir, "repo", "targets"))
			sb := resign(t, e, "3.snapshot.json", repo.RoleSnapshot, func(s *repo.Snapshot) {
				s.Version = 4
				s.Meta["targets.json"] = metaOf(4, tb)
			}, keysOf(t, e.a, repo.RoleSnapshot)...)
			os.WriteFile(e.file("4.snapshot.json"), sb, 0o644)
			resign(t, e, "timestamp.json", repo.RoleTimestamp, func(ts *repo.Timestamp) {
				ts.Version++
				ts.Meta["snapshot.json"] = metaOf(4, sb)
			}, keysOf(t, e.a, repo.RoleTimestamp)...)
			return func() {
				e.a.clk.Advance(time.Hour)
				e.a.publish(dataset(testIDs(1, 5)))
				e.a.publish(dataset(testIDs(1, 6))) // past the forged versions
				e.serve(t, e.a.dir)
			}
		}},
		{name: "expired timestamp (freeze)", want: new(*ExpiredError), says: "timestamp", attack: func(t *testing.T, e *attackEnv) func() {
			e.a.clk.Advance(49 * time.Hour) // the timestamp lasts 48 h
			return func() {
				if _, err := e.a.pub.RefreshTimestamp(); err != nil {
					t.Fatal(err)
				}
				e.serve(t, e.a.dir)
			}
		}},
		{name: "timestamp issued in 2099 (stolen timestamp key)", want: new(*FutureError), says: "2099", attack: func(t *testing.T, e *attackEnv) func() {
			resign(t, e, "timestamp.json", repo.RoleTimestamp, func(ts *repo.Timestamp) {
				ts.Issued, ts.Expires = y2099, y2099.Add(48*time.Hour)
			}, keysOf(t, e.a, repo.RoleTimestamp)...)
			return nil
		}},
		{name: "expired snapshot", want: new(*ExpiredError), says: "snapshot", attack: func(t *testing.T, e *attackEnv) func() {
			resign(t, e, "3.snapshot.json", repo.RoleSnapshot, func(s *repo.Snapshot) { s.Expires = t0 }, keysOf(t, e.a, repo.RoleSnapshot)...)
			sb := mustRead(t, e.file("3.snapshot.json"))
			resign(t, e, "timestamp.json", repo.RoleTimestamp, func(ts *repo.Timestamp) { ts.Meta["snapshot.json"] = metaOf(3, sb) }, keysOf(t, e.a, repo.RoleTimestamp)...)
			return e.republish(t)
		}},
		{name: "data file hash", want: new(*HashError), says: "revocations/full.bin", attack: func(t *testing.T, e *attackEnv) func() {
			p := e.target(t, publish.FullTarget)
			b := mustRead(t, p)
			b[len(b)-1] ^= 1
			os.WriteFile(p, b, 0o644)
			// The kiosk would take a delta; make it fetch the full list.
			os.Remove(e.target(t, "revocations/delta-2.bin"))
			e.k.cl.forceFull = true
			return nil
		}},
		{name: "data file longer", want: new(*TooLargeError), says: "codes.bin", attack: func(t *testing.T, e *attackEnv) func() {
			p := e.target(t, publish.CodesTarget)
			os.WriteFile(p, append(mustRead(t, p), make([]byte, 4096)...), 0o644)
			return nil
		}},
		{name: "data file shorter", want: new(*LengthError), says: "codes.bin", attack: func(t *testing.T, e *attackEnv) func() {
			p := e.target(t, publish.CodesTarget)
			b := mustRead(t, p)
			os.WriteFile(p, b[:len(b)-49], 0o644)
			return nil
		}},
		{name: "snapshot hash", want: new(*HashError), says: "snapshot.json", attack: func(t *testing.T, e *attackEnv) func() {
			p := e.file("3.snapshot.json")
			b := mustRead(t, p)
			os.WriteFile(p, bytes.Replace(b, []byte(" "), []byte("\t"), 1), 0o644)
			return nil
		}},
		{name: "targets length", want: new(*TooLargeError), says: "targets.json", attack: func(t *testing.T, e *attackEnv) func() {
			p := e.file("3.targets.json")
			os.WriteFile(p, append(mustRead(t, p), "\n\n"...), 0o644)
			return nil
		}},
		{name: "signature by an unknown key", want: new(*repo.ThresholdError), says: "timestamp", attack: func(t *testing.T, e *attackEnv) func() {
			resign(t, e, "timestamp.json", repo.RoleTimestamp, func(ts *repo.Timestamp) {}, newSigner(t, repo.RoleTimestamp))
			return nil
		}},
		{name: "targets signed by the snapshot key", want: new(*repo.ThresholdError), says: "targets", attack: func(t *testing.T, e *attackEnv) func() {
			tb := resign(t, e, "3.targets.json", repo.RoleTargets, func(*repo.Targets) {}, keysOf(t, e.a, repo.RoleSnapshot)...)
			sb := resign(t, e, "3.snapshot.json", repo.RoleSnapshot, func(s *repo.Snapshot) { s.Meta["targets.json"] = metaOf(3, tb) }, keysOf(t, e.a, repo.RoleSnapshot)...)
			resign(t, e, "timestamp.json", repo.RoleTimestamp, func(ts *repo.Timestamp) { ts.Meta["snapshot.json"] = metaOf(3, sb) }, keysOf(t, e.a, repo.RoleTimestamp)...)
			return e.republish(t)
		}},
		{name: "garbage timestamp", want: new(*json.SyntaxError), attack: func(t *testing.T, e *attackEnv) func() {
			e.m.set(func(w http.ResponseWriter, r *http.Request) bool {
				if strings.HasSuffix(r.URL.Path, "/timestamp.json") {
					fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
					return true
				}
				return false
			})
			return func() { e.m.set(nil) }
		}},
		{name: "garbage everywhere", want: new(*json.SyntaxError), says: "root", attack: func(t *testing.T, e *attackEnv) func() {
			e.m.set(func(w http.ResponseWriter, r *http.Request) bool {
				if !strings.HasSuffix(r.URL.Path, "/timestamp.json") {
					fmt.Fprint(w, "garbage")
					return true
				}
				return false
			})
			return func() { e.m.set(nil) }
		}},
		{name: "server error", want: new(*HTTPError), says: "500", attack: func(t *testing.T, e *attackEnv) func() {
			e.m.set(func(w http.ResponseWriter, r *http.Request) bool { http.Error(w, "oops", 500); return true })
			return func() { e.m.set(nil) }
		}},
		{name: "oversized timestamp", want: new(*TooLargeError), says: "timestamp.json", attack: func(t *testing.T, e *attackEnv) func() {
			e.m.set(func(w http.ResponseWriter, r *http.Request) bool {
				if strings.HasSuffix(r.URL.Path, "/timestamp.json") {
					w.Write(bytes.Repeat([]byte(" "), 1<<20))
					return true
				}
				return false
			})
			return func() { e.m.set(nil) }
		}},
		{name: "endless data file", want: new(*TooLargeError), says: "codes.bin", attack: func(t *testing.T, e *attackEnv) func() {
			e.m.set(func(w http.ResponseWriter, r *http.Request) bool {
				if strings.HasSuffix(r.URL.Path, ".codes.bin") {
					// No Content-Length: chunked, and more than listed.
					for range 64 {
						w.Write(make([]byte, 4096))
						w.(http.Flusher).Flush()
					}
					return true
				}
				return false
			})
			return func() { e.m.set(nil) }
		}},
		{name: "slow server", want: new(*StallError), attack: func(t *testing.T, e *attackEnv) func() {
			e.k.cl.src.(*httpSource).stall = 300 * time.Millisecond
			release := make(chan struct{})
			e.m.set(func(w http.ResponseWriter, r *http.Request) bool {
				if strings.HasSuffix(r.URL.Path, ".codes.bin") {
					w.Write(make([]byte, 10))
					w.(http.Flusher).Flush()
					select {
					case <-release:
					case <-r.Context().Done():
					}
					return true
				}
				return false
			})
			return func() { close(release); e.m.set(nil) }
		}},
		{name: "no response", want: new(context.DeadlineExceeded), attack: func(t *testing.T, e *attackEnv) func() {
			e.k.cl.o.Timeout = 300 * time.Millisecond
			release := make(chan struct{})
			e.m.set(func(w http.ResponseWriter, r *http.Request) bool {
				select {
				case <-release:
				case <-r.Context().Done():
				}
				return true
			})
			return func() { close(release); e.m.set(nil); e.k.cl.o.Timeout = 5 * time.Second }
		}},
		{name: "truncated download", says: "unexpected EOF", attack: func(t *testing.T, e *attackEnv) func() {
			e.m.set(func(w http.ResponseWriter, r *http.Request) bool {
				if strings.HasSuffix(r.URL.Path, ".codes.bin") {
					b, err := os.ReadFile(filepath.Join(e.m.dir, filepath.FromSlash(r.URL.Path)))
					if err != nil {
						t.Error(err)
						return false
					}
					w.Header().Set("Content-Length", fmt.Sprint(len(b)))
					w.Write(b[:len(b)/2])
					w.(http.Flusher).Flush()
					panic(http.ErrAbortHandler) // drop the connection
				}
				return false
			})
			return func() { e.m.set(nil) }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newAttackEnv(t)
			e.serve(t, e.v2)
			undo := tc.attack(t, e)
			before := e.k.snapshot(e.probe)
			_, err := e.k.cl.Sync(context.Background())
			if err == nil {
				t.Fatal("Sync succeeded; want the attack refused")
			}
			if tc.want != nil {
				if target, ok := tc.want.(*error); ok {
					if !errors.Is(err, *target) {
						t.Errorf("Sync: %v; want %v", err, *target)
					}
				} else if !errors.As(err, tc.want) {
					t.Errorf("Sync: %v (%T); want a %T", err, err, tc.want)
				}
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("Sync: %v; want it to mention %q", err, tc.says)
			}
			if d := before.diff(e.k.snapshot(e.probe)); d != "" {
				t.Errorf("the refused sync changed the store: %s", d)
			}
			// Without the attack the same kiosk syncs.
			if undo != nil {
				undo()
			} else {
				e.serve(t, e.a.dir)
			}
			r, err := e.k.cl.Sync(context.Background())
			if err != nil {
				t.Fatalf("Sync after the attack ended: %v", err)
			}
			if !r.Changed(repo.Revocations) {
				t.Errorf("Sync after the attack ended applied %+v; want new revocations", r.Applied)
			}
		})
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
