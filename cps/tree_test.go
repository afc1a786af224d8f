package cps

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTreeHashes(t *testing.T) {
	secs := []Section{
		{ID: "4", Level: 2, Text: "", Hash: HashText("")},
		{ID: "4.9", Level: 3, Text: "", Hash: HashText("")},
		{ID: "4.9.1", Title: "Circumstances", Level: 4, Text: "We revoke.", Hash: HashText("We revoke.")},
		{ID: "4.9.12", Title: "Key compromise", Level: 4, Text: "Report by e-mail.", Hash: HashText("Report by e-mail.")},
		{ID: "5", Level: 2, Text: "Controls.", Hash: HashText("Controls.")},
	}
	got := TreeHashes(secs)
	for _, id := range []string{"4.9.1", "4.9.12", "5"} {
		if got[id] != secs[indexOf(secs, id)].Hash {
			t.Errorf("leaf %s: tree hash %s, want its own hash", id, got[id])
		}
	}
	if got["4.9"] == secs[1].Hash || got["4"] == got["4.9"] {
		t.Errorf("parents: 4 %s, 4.9 %s: want distinct subtree hashes", got["4"], got["4.9"])
	}
	// A change deep in the subtree changes every ancestor's tree hash and
	// nothing outside it.
	changed := append([]Section{}, secs...)
	changed[3].Text, changed[3].Hash = "Report by phone.", HashText("Report by phone.")
	again := TreeHashes(changed)
	for id, same := range map[string]bool{"4": false, "4.9": false, "4.9.1": true, "4.9.12": false, "5": true} {
		if (again[id] == got[id]) != same {
			t.Errorf("%s: unchanged = %v, want %v", id, again[id] == got[id], same)
		}
	}
	// White space does not count, as in Hash.
	reflowed := append([]Section{}, secs...)
	reflowed[2].Text = "We   revoke.\n"
	if TreeHashes(reflowed)["4.9"] != got["4.9"] {
		t.Error("reflowed white space changed the tree hash")
	}
}

func indexOf(secs []Section, id string) int {
	for i, s := range secs {
		if s.ID == id {
			return i
		}
	}
	return -1
}

// TestTreeHashesAsConcatenated holds TreeHashes to its definition: the hash
// of each section's text followed by each subsection's heading line and
// text, on a document whose levels go up and down.
func TestTreeHashesAsConcatenated(t *testing.T) {
	levels := []int{1, 2, 3, 3, 2, 4, 4, 1, 2, 2, 3, 1}
	var secs []Section
	for i, l := range levels {
		id := fmt.Sprint(i + 1)
		text := fmt.Sprintf("Text\tof  %d\n\n", i) + strings.Repeat(" more words é\u00a0", i%3)
		secs = append(secs, Section{ID: id, Title: "Title " + id, Level: l, Text: text, Hash: HashText(text)})
	}
	want := map[string]string{}
	for i, s := range secs {
		text := s.Text
		for _, d := range secs[i+1:] {
			if d.Level <= s.Level {
				break
			}
			text += "\n" + strings.Repeat("#", d.Level) + " " + d.ID + " " + d.Title + "\n" + d.Text
		}
		want[s.ID] = HashText(text)
	}
	if diff := cmp.Diff(TreeHashes(secs), want); diff != "" {
		t.Errorf("tree hashes (-got +want):\n%s", diff)
	}
}
