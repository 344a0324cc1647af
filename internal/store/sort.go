package store

import (
	"bufio"
	"bytes"
	"container/heap"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// runIDs is how many IDs are sorted in memory at a time (4 MiB).
//
// SQLite inserts keys in ascending order several times faster than in
// random order: each B-tree page is filled once, while it is in the cache,
// instead of being read, split and rewritten again and again. Pass IDs are
// hashes, so a list arrives in random order. ReplaceRevocations therefore
// sorts: runs of runIDs are sorted in memory and spilled to temporary files
// beside the database (unlinked at once, so a crash leaves nothing), then
// merged into one ascending stream. Memory stays bounded for any list size.
var runIDs = 1 << 17

// sortIDs reads ids, checks each, and calls emit with the distinct IDs in
// ascending order. dir is where spill files go. Once every ID has been
// read, before the first emit, sized gets how many were read (repeats
// included).
func (tx *Tx) sortIDs(ids iter.Seq2[pass.ID, error], dir string, sized func(int64), emit func(pass.ID) error) error {
	var (
		buf  = make([]pass.ID, 0, min(runIDs, 1024))
		runs []*os.File
		seen int64
	)
	defer func() {
		for _, f := range runs {
			f.Close()
		}
	}()
	for id, err := range ids {
		if err := tx.checkID(seen, id, err); err != nil {
			return err
		}
		seen++
		buf = append(buf, id)
		if len(buf) < runIDs {
			continue
		}
		sortIDs(&buf)
		f, err := spill(dir, buf)
		if err != nil {
			return err
		}
		runs = append(runs, f)
		buf = buf[:0]
	}
	sortIDs(&buf)
	sized(seen)
	if len(runs) == 0 {
		for _, id := range buf {
			if err := emit(id); err != nil {
				return err
			}
		}
		return nil
	}
	return tx.merge(runs, buf, emit)
}

// checkID validates the n-th ID of a stream.
func (tx *Tx) checkID(n int64, id pass.ID, err error) error {
	if err != nil {
		return fmt.Errorf("store: revocation %d: %w", n, err)
	}
	if id.IsZero() {
		return invalid(fmt.Sprintf("revocation %d", n), "the zero pass ID")
	}
	if n >= MaxRevocations {
		return invalid("revocations", "more than %d IDs", MaxRevocations)
	}
	return tx.poll(n)
}

// sortIDs sorts in place and drops repeats.
func sortIDs(buf *[]pass.ID) {
	slices.SortFunc(*buf, func(a, b pass.ID) int { return bytes.Compare(a[:], b[:]) })
	*buf = slices.Compact(*buf)
}

// spill writes sorted IDs to an unlinked temporary file in dir and returns
// it positioned at the start.
func spill(dir string, ids []pass.ID) (*os.File, error) {
	f, err := os.CreateTemp(dir, ".revocations-sort-*")
	if err != nil {
		return nil, fmt.Errorf("store: sorting revocations: %w", err)
	}
	os.Remove(f.Name()) // the open descriptor keeps the data; a crash leaves no file
	w := bufio.NewWriterSize(f, 64<<10)
	for _, id := range ids {
		w.Write(id[:])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, fmt.Errorf("store: sorting revocations: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// run is one sorted source for the merge: a spill file or the last
// in-memory chunk.
type run struct {
	r   *bufio.Reader
	mem []pass.ID
	cur pass.ID
}

func (r *run) next() (bool, error) {
	if r.r == nil {
		if len(r.mem) == 0 {
			return false, nil
		}
		r.cur, r.mem = r.mem[0], r.mem[1:]
		return true, nil
	}
	_, err := io.ReadFull(r.r, r.cur[:])
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: sorting revocations: %w", err)
	}
	return true, nil
}

type runHeap []*run

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return bytes.Compare(h[i].cur[:], h[j].cur[:]) < 0 }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*run)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// merge emits the union of the runs in ascending order, each ID once.
func (tx *Tx) merge(files []*os.File, mem []pass.ID, emit func(pass.ID) error) error {
	h := make(runHeap, 0, len(files)+1)
	add := func(r *run) error {
		ok, err := r.next()
		if ok {
			h = append(h, r)
		}
		return err
	}
	for _, f := range files {
		if err := add(&run{r: bufio.NewReaderSize(f, 32<<10)}); err != nil {
			return err
		}
	}
	if err := add(&run{mem: mem}); err != nil {
		return err
	}
	heap.Init(&h)
	var last pass.ID
	var n int64
	for len(h) > 0 {
		r := h[0]
		if n == 0 || r.cur != last {
			if err := emit(r.cur); err != nil {
				return err
			}
			last = r.cur
			if err := tx.poll(n); err != nil {
				return err
			}
			n++
		}
		ok, err := r.next()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	return nil
}

// spillDir is where ReplaceRevocations spills: beside the database, on
// the same flash (a RAM-backed /tmp could not hold ten million IDs).
func (s *Store) spillDir() string { return filepath.Dir(s.path) }
