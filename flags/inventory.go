package flags

import "iter"

// joinedSettings are the settings of the files of a revision as the
// sources read them (a settingGroup per file), and their sorted order:
// order[k] is the place of the k-th setting. A place is 8 bytes where a
// Setting is 128: a large CA's million settings per revision are not
// copied into one list.
type joinedSettings struct {
	groups []settingGroup
	order  []place
	flags  []string // the flags set, sorted
}

// place is a setting's group and index in the group.
type place struct{ group, i int32 }

// at returns the setting at p.
func (j *joinedSettings) at(p place) Setting {
	return j.groups[p.group].at(int(p.i))
}

// view returns the settings as groups and their order: a listed
// inventory's list is one group, in order (order nil).
func (inv *Inventory) view() ([]settingGroup, []place) {
	if j := inv.joined; j != nil {
		return j.groups, j.order
	}
	return []settingGroup{{list: inv.ListedSettings}}, nil
}

// NumSettings returns the number of settings.
func (inv *Inventory) NumSettings() int {
	if inv.joined != nil {
		return len(inv.joined.order)
	}
	return len(inv.ListedSettings)
}

// Setting returns the i-th setting, 0 <= i < NumSettings(). It is built
// on demand (no allocation) for settings kept in the compact form.
func (inv *Inventory) Setting(i int) Setting {
	if j := inv.joined; j != nil {
		return j.at(j.order[i])
	}
	return inv.ListedSettings[i]
}

// AllSettings yields the settings with their index, in order: Discover's
// sorted by flag, environment, path then position; a listed inventory's
// in the order of the list.
func (inv *Inventory) AllSettings() iter.Seq2[int, Setting] {
	return func(yield func(int, Setting) bool) {
		if j := inv.joined; j != nil {
			for k, p := range j.order {
				if !yield(k, j.at(p)) {
					return
				}
			}
			return
		}
		for k, s := range inv.ListedSettings {
			if !yield(k, s) {
				return
			}
		}
	}
}

// EachSetting yields the settings in no particular order (file by file):
// faster than AllSettings where the order does not matter.
func (inv *Inventory) EachSetting() iter.Seq[Setting] {
	return func(yield func(Setting) bool) {
		if j := inv.joined; j != nil {
			for _, g := range j.groups {
				for i := range g.len() {
					if !yield(g.at(i)) {
						return
					}
				}
			}
			return
		}
		for _, s := range inv.ListedSettings {
			if !yield(s) {
				return
			}
		}
	}
}

// SettingFlags yields the flag of each run of settings of one flag, in
// the order of AllSettings: each flag once for Discover's settings, sorted
// by flag; a listed inventory's in any order, maybe more than once. Where
// only the names matter, it is much cheaper than AllSettings.
func (inv *Inventory) SettingFlags() iter.Seq[string] {
	return func(yield func(string) bool) {
		if j := inv.joined; j != nil {
			for _, flag := range j.flags {
				if !yield(flag) {
					return
				}
			}
			return
		}
		for i, s := range inv.ListedSettings {
			if i == 0 || s.Flag != inv.ListedSettings[i-1].Flag {
				if !yield(s.Flag) {
					return
				}
			}
		}
	}
}

// SettingList returns the settings as one list, in the order of
// AllSettings: a listed inventory's own list (not to be changed), else a
// new one. For small inventories and tests; a large CA's is large.
func (inv *Inventory) SettingList() []Setting {
	j := inv.joined
	if j == nil {
		return inv.ListedSettings
	}
	if len(j.order) == 0 {
		return nil
	}
	out := make([]Setting, len(j.order))
	for k, p := range j.order {
		out[k] = j.at(p)
	}
	return out
}

// SharesSettings reports whether inv and o hold one list of settings (or
// both none), which a loader shares between revisions when no source
// changed: their settings are then the same.
func (inv *Inventory) SharesSettings(o *Inventory) bool {
	if inv.joined != nil || o.joined != nil {
		return inv.joined == o.joined
	}
	a, b := inv.ListedSettings, o.ListedSettings
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
